/**
 * Reads a request body as a stream with a byte counter and stops past `limit`, so an
 * oversized body (declared or chunked, without Content-Length) is refused after at most
 * `limit` bytes plus one chunk, never buffered whole. Every unauthenticated route reads its
 * body through here (webhooks, Twilio callbacks, the app proxy, the login form); authentication needs the
 * raw bytes, so the limit is checked before anyone can tell who sent them.
 */
export type BoundedBody = { ok: true; text: string; bytes: number } | { ok: false; bytes: number; limit: number };

export const BODY_LIMITS = {
  /** Shopify's payloads are far smaller (an order with hundreds of lines is a few hundred kB). */
  webhook: 2 * 1024 * 1024,
  /** Twilio's callbacks are a few dozen form fields; an SMS body is at most 1,600 characters. */
  twilio: 64 * 1024,
  /** The storefront sign-up form: a phone, a variant id, a checkbox. */
  appProxy: 16 * 1024,
  /** The login page's form (`/auth/login`): one shop domain. */
  login: 4 * 1024,
} as const;

export async function readBoundedBody(request: Request, limit: number): Promise<BoundedBody> {
  const declared = Number(request.headers.get("content-length") ?? 0);
  if (declared > limit) return { ok: false, bytes: declared, limit };
  if (!request.body) return { ok: true, text: "", bytes: 0 };
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let bytes = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    bytes += value.byteLength;
    if (bytes > limit) {
      // Stop pulling: the rest is never read. Not cancelled: on Node's server that destroys the
      // socket before the 413 is written; the answer's "Connection: close" ends it instead.
      reader.releaseLock();
      return { ok: false, bytes, limit };
    }
    chunks.push(value);
  }
  return { ok: true, text: Buffer.concat(chunks).toString("utf8"), bytes };
}

/**
 * For a route that hands its request to a library which reads the body itself (the login
 * form's `login(request)` calls `request.formData()`, unbounded): the body is read here through
 * the counter, and the library gets a copy of the request carrying what was read.
 */
export async function withBoundedBody(
  request: Request,
  limit: number,
): Promise<{ ok: true; request: Request } | { ok: false; response: Response }> {
  const body = await readBoundedBody(request, limit);
  if (!body.ok) return { ok: false, response: payloadTooLarge(body.limit) };
  const headers = new Headers(request.headers);
  headers.delete("content-length"); // the copy's length is its own
  return {
    ok: true,
    request: new Request(request.url, { method: request.method, headers, body: body.text, signal: request.signal }),
  };
}

/** The answer to a refused body: 413 with the limit, the same on every route. */
export const payloadTooLarge = (limit: number) =>
  Response.json(
    { error: `payload too large (limit ${limit} bytes)` },
    // The unread rest of the body is still on the connection: close it after this answer.
    { status: 413, headers: { Connection: "close" } },
  );
