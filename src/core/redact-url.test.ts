import { describe, expect, it } from "vitest";
import { hasUserInfo, REDACTED, redactCredentials, redactUrl, redactUrlsInText } from "./redact-url.ts";

describe("redactUrl", () => {
  it("replaces every query value that looks like a key, token or signature, and keeps the rest", () => {
    const names = [
      "api-key",
      "key",
      "token",
      "access_token",
      "apikey",
      "api_key",
      "sig",
      "X-Amz-Signature",
      "auth",
    ];
    for (const name of names) {
      const { url, redacted } = redactUrl(`https://llm.example/v1?${name}=sk-123&api-version=2024-06-01`);
      expect(url, name).not.toContain("sk-123");
      expect(url, name).toContain(`${name}=${REDACTED}`);
      expect(url, name).toContain("api-version=2024-06-01");
      expect(redacted, name).toEqual([name]);
    }
  });

  it("drops user:password and leaves a URL without credentials exactly as it was", () => {
    expect(redactUrl("http://alice:s3cret@localhost:8080/v1")).toEqual({
      url: "http://localhost:8080/v1",
      redacted: ["user:password"],
    });
    expect(redactUrl("http://localhost:11434/v1")).toEqual({
      url: "http://localhost:11434/v1",
      redacted: [],
    });
    expect(redactUrl("not a url")).toEqual({ url: "not a url", redacted: [] });
    expect(hasUserInfo("https://u:p@h/")).toBe(true);
    expect(hasUserInfo("https://h/?key=1")).toBe(false);
  });

  it("redacts URLs inside texts and nested values", () => {
    expect(redactUrlsInText("fetch https://h/v1?token=abc failed: 500")).toBe(
      `fetch https://h/v1?token=${REDACTED} failed: 500`,
    );
    const value = { baseUrl: "https://h/v1?key=abc", nested: [{ url: "http://u:p@h/" }], n: 3, flag: true };
    expect(redactCredentials(value)).toEqual({
      baseUrl: `https://h/v1?key=${REDACTED}`,
      nested: [{ url: "http://h/" }],
      n: 3,
      flag: true,
    });
    expect(value.baseUrl).toBe("https://h/v1?key=abc");
  });
});
