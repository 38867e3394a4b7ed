import http from "node:http";
import https from "node:https";

/** An HTTP answer read whole: what the provider adapters look at. */
export interface HttpAnswer {
  status: number;
  statusText: string;
  ok: boolean;
  header(name: string): string | undefined;
  text: string;
}

export interface HttpAsk {
  method: "GET" | "POST";
  headers: Record<string, string>;
  body?: string;
  /** The whole exchange, connecting to the last byte of the answer; then it fails. */
  timeoutMs: number;
}

/** Sends one request and reads its answer; rejects when nothing (or not all) came back. */
export type HttpRequest = (url: URL, ask: HttpAsk) => Promise<HttpAnswer>;

/**
 * Connections kept open between requests, per process (every shop's adapter shares them). An
 * idle connection is closed by us after this long, before a server is likely to close it
 * (a request sent on a connection the server is closing fails, and a send that fails that way
 * is retried as a possible duplicate: asked for at the provider first).
 */
const IDLE_CONNECTION_MS = 4_000;
const agents = {
  "http:": new http.Agent({ keepAlive: true, timeout: IDLE_CONNECTION_MS }),
  "https:": new https.Agent({ keepAlive: true, timeout: IDLE_CONNECTION_MS }),
};

/**
 * node:http with kept-alive connections, not the global fetch: a send is one small form POST
 * and one small JSON answer, and fetch's WHATWG streams, Request/Response objects and
 * resource-timing entries cost ~2x the CPU per request (the dispatch bench's worker profile:
 * undici and its web streams were a quarter of the worker's CPU).
 */
export const keepAliveRequest: HttpRequest = (url, ask) =>
  new Promise((resolve, reject) => {
    const client = url.protocol === "https:" ? https : http;
    const headers =
      ask.body === undefined ? ask.headers : { ...ask.headers, "Content-Length": String(Buffer.byteLength(ask.body)) };
    const req = client.request(url, { method: ask.method, headers, agent: agents[url.protocol as "http:" | "https:"] });
    const timer = setTimeout(
      () => req.destroy(new Error(`no complete answer within ${ask.timeoutMs} ms`)),
      ask.timeoutMs,
    );
    const fail = (error: Error) => {
      clearTimeout(timer);
      reject(error);
    };
    req.on("error", fail);
    req.on("response", (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("error", fail);
      // A connection lost mid-answer ends the stream without `complete`: not an answer.
      res.on("close", () => {
        if (!res.complete) return fail(new Error("the answer was cut off"));
        clearTimeout(timer);
        const status = res.statusCode ?? 0;
        resolve({
          status,
          statusText: res.statusMessage ?? "",
          ok: status >= 200 && status < 300,
          header: (name) => {
            const value = res.headers[name.toLowerCase()];
            return Array.isArray(value) ? value.join(", ") : value;
          },
          text: Buffer.concat(chunks).toString("utf8"),
        });
      });
    });
    req.end(ask.body);
  });
