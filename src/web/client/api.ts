/** Calls the server's `/v1` API and turns its JSON errors into readable messages. */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code: string,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

async function parseResponse<Result>(response: Response): Promise<Result> {
  const body: unknown = await response.json().catch(() => undefined);
  if (!response.ok) {
    const error =
      typeof body === "object" && body !== null && "error" in body
        ? (body.error as { code?: unknown; message?: unknown })
        : {};
    const message =
      typeof error.message === "string" ? error.message : `the server answered ${response.status}`;
    throw new ApiError(message, response.status, typeof error.code === "string" ? error.code : "http");
  }
  return body as Result;
}

export async function getJson<Result>(path: string): Promise<Result> {
  return parseResponse<Result>(await fetch(path, { headers: { accept: "application/json" } }));
}

export async function postJson<Result>(path: string, body: unknown): Promise<Result> {
  return parseResponse<Result>(
    await fetch(path, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json" },
      body: JSON.stringify(body),
    }),
  );
}
