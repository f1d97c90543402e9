import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import type { Hono } from "hono";

export interface StartServerOptions {
  app: Hono;
  /** Default 127.0.0.1: the API has no authentication, so it stays on this machine unless asked. */
  host?: string;
  /** Default 8787; 0 picks a free port. */
  port?: number;
  /** Told when the host is reachable from other machines. */
  warn?: (message: string) => void;
}

export interface RunningServer {
  /** The address to print, e.g. http://127.0.0.1:8787/ */
  url: string;
  port: number;
  close(): Promise<void>;
}

export function isLoopbackHost(host: string): boolean {
  return host === "localhost" || host === "::1" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/** Listens with the app; resolves once the port is bound, rejects when it cannot be. */
export function startServer(options: StartServerOptions): Promise<RunningServer> {
  const host = options.host ?? "127.0.0.1";
  const port = options.port ?? 8787;
  if (!isLoopbackHost(host)) {
    (options.warn ?? console.warn)(
      `warning: listening on ${host}, reachable from other machines; the API has no authentication`,
    );
  }
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: options.app.fetch, hostname: host, port }, (info: AddressInfo) => {
      server.off("error", reject);
      const shownHost = info.family === "IPv6" ? `[${info.address}]` : info.address;
      resolve({
        url: `http://${shownHost}:${info.port}/`,
        port: info.port,
        close: () =>
          new Promise<void>((done, fail) => {
            server.close((error) => (error ? fail(error) : done()));
            if ("closeAllConnections" in server) server.closeAllConnections();
          }),
      });
    });
    server.once("error", reject);
  });
}
