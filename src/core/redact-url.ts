/**
 * Credentials out of URLs before they are recorded or served: a key in the query string
 * (`?api-key=…`, `token`, `sig`, …) or a `user:password@`. The one place that decides what looks
 * like a credential; the run ledger (src/store/runs-store.ts) passes everything it stores through it.
 */

/** What a redacted query value is replaced with. */
export const REDACTED = "REDACTED";

/** Query parameter names that carry a secret: any name containing one of these words (case and `-`/`_` ignored). */
const secretNameParts = [
  "key",
  "token",
  "secret",
  "password",
  "passwd",
  "pwd",
  "sig",
  "auth",
  "credential",
  "session",
  "cookie",
  "bearer",
];

/** True for a query parameter name that looks like it carries a key, token, signature or password. */
export function isSecretParameterName(name: string): boolean {
  const normalized = name.toLowerCase().replace(/[-_.\s]/g, "");
  return secretNameParts.some((part) => normalized.includes(part));
}

export interface RedactedUrl {
  url: string;
  /** What was taken out: "user:password" and/or the names of redacted query parameters. */
  redacted: string[];
}

/** The URL with its user:password dropped and secret-looking query values replaced; unparseable text is returned as is. */
export function redactUrl(url: string): RedactedUrl {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { url, redacted: [] };
  }
  const redacted: string[] = [];
  if (parsed.username !== "" || parsed.password !== "") {
    redacted.push("user:password");
    parsed.username = "";
    parsed.password = "";
  }
  for (const name of new Set(parsed.searchParams.keys())) {
    if (!isSecretParameterName(name)) continue;
    redacted.push(name);
    parsed.searchParams.set(name, REDACTED);
  }
  return redacted.length === 0 ? { url, redacted } : { url: parsed.toString(), redacted };
}

/** True when the URL carries a user name or password (`https://user:pass@host/`). */
export function hasUserInfo(url: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.username !== "" || parsed.password !== "";
  } catch {
    return false;
  }
}

const urlInText = /\b[a-z][a-z0-9+.-]*:\/\/[^\s"'<>`]+/gi;

/** Every URL inside a text (an error message, a setting) redacted. */
export function redactUrlsInText(text: string): string {
  if (!text.includes("://")) return text;
  return text.replace(urlInText, (match) => redactUrl(match).url);
}

/** A JSON-like value with every URL in every string redacted (objects and arrays are copied, not changed). */
export function redactCredentials<T>(value: T): T {
  return redactValue(value) as T;
}

function redactValue(value: unknown): unknown {
  if (typeof value === "string") return redactUrlsInText(value);
  if (Array.isArray(value)) return value.map(redactValue);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([key, entry]) => [key, redactValue(entry)]));
  }
  return value;
}
