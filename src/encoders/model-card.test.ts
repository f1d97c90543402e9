import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fetchModelCardFiles, readModelCardPooling, resolveHfSpec } from "./model-card.ts";

// A loopback stand-in for the hub's `resolve/main/` file route: two models with cards, one without.
const files: Record<string, unknown> = {
  "/org/cls-model/resolve/main/modules.json": [
    { idx: 0, name: "0", path: "", type: "sentence_transformers.models.Transformer" },
    { idx: 1, name: "1", path: "1_Pooling", type: "sentence_transformers.models.Pooling" },
    { idx: 2, name: "2", path: "2_Normalize", type: "sentence_transformers.models.Normalize" },
  ],
  "/org/cls-model/resolve/main/1_Pooling/config.json": { pooling_mode_cls_token: true },
  "/org/escaping/resolve/main/modules.json": [
    { idx: 1, name: "1", path: "../../outside", type: "sentence_transformers.models.Pooling" },
  ],
  "/org/escaping/resolve/main/1_Pooling/config.json": { pooling_mode_mean_tokens: true },
};

describe("model cards of hub ids", () => {
  let server: Server;
  let host: string;
  let cache: string;
  const requested: string[] = [];
  beforeAll(async () => {
    server = createServer((request, response) => {
      requested.push(request.url ?? "");
      const body = files[request.url ?? ""];
      response.writeHead(body === undefined ? 404 : 200, { "content-type": "application/json" });
      response.end(body === undefined ? "not found" : JSON.stringify(body));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    host = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    cache = mkdtempSync(join(tmpdir(), "jobdistill-card-cache-"));
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    rmSync(cache, { recursive: true, force: true });
  });
  const fetchCard = (model: string) =>
    fetchModelCardFiles({
      model,
      folder: join(cache, model),
      remoteHost: host,
      remotePathTemplate: "{model}/resolve/{revision}/",
    });

  it("downloads modules.json and the pooling config into the cache once, and reads them", async () => {
    await fetchCard("org/cls-model");
    const card = readModelCardPooling(join(cache, "org/cls-model"));
    expect(card).toEqual({ pooling: "cls", normalize: true });
    expect(resolveHfSpec({ kind: "hf", model: "org/cls-model", dtype: "fp32" }, card)).toMatchObject({
      pooling: "cls",
      normalize: true,
    });
    const before = requested.length;
    await fetchCard("org/cls-model");
    expect(requested.length).toBe(before);
  });

  it("leaves the defaults when the hub has no card, and never writes outside the model's folder", async () => {
    await fetchCard("org/plain");
    expect(readModelCardPooling(join(cache, "org/plain"))).toEqual({});
    await fetchCard("org/escaping");
    expect(existsSync(join(cache, "outside"))).toBe(false);
    expect(requested).toContain("/org/escaping/resolve/main/1_Pooling/config.json");
    expect(readModelCardPooling(join(cache, "org/escaping"))).toEqual({ pooling: "mean", normalize: false });
  });

  it("falls back to the defaults when the hub cannot be reached", async () => {
    await fetchModelCardFiles({
      model: "org/cls-model-offline",
      folder: join(cache, "org/cls-model-offline"),
      remoteHost: "http://127.0.0.1:9/",
      remotePathTemplate: "{model}/resolve/{revision}/",
    });
    expect(readModelCardPooling(join(cache, "org/cls-model-offline"))).toEqual({});
  });
});
