/**
 * A request body sent in chunks without Content-Length (Transfer-Encoding: chunked on the
 * wire), with a counter of what the server actually pulled: proof that an oversized body
 * was refused before it was read in full.
 */
export function countingBody(totalBytes: number, chunkBytes = 64 * 1024, fill = "x") {
  const chunk = new TextEncoder().encode(fill.repeat(chunkBytes));
  const counter = { pulled: 0, cancelled: false };
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (counter.pulled >= totalBytes) return controller.close();
      counter.pulled += chunk.byteLength;
      controller.enqueue(chunk);
    },
    cancel() {
      counter.cancelled = true;
    },
  });
  return { stream, counter };
}

/** A POST whose body is `stream`, streamed (undici needs duplex: "half" for that). */
export const streamedPost = (url: string, stream: ReadableStream<Uint8Array>, headers: Record<string, string>) =>
  new Request(url, { method: "POST", body: stream, headers, duplex: "half" } as RequestInit);
