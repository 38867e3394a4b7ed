import { afterAll, beforeAll, describe, expect, it } from "vitest";
import http from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { keepAliveRequest } from "../../app/http/keep-alive-request.server";

/** A server whose answer per path the test picks; it remembers which connection each request came on. */
let server: http.Server;
let origin: string;
const connections: Socket[] = [];
const bodies: string[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    connections.push(req.socket);
    let body = "";
    req.on("data", (chunk: Buffer) => (body += chunk.toString("utf8")));
    req.on("end", () => {
      bodies.push(body);
      if (req.url === "/stall") return; // never answers
      if (req.url === "/cut") {
        // Promises more than it sends, then the connection is gone.
        res.writeHead(200, { "Content-Length": "100" });
        res.write('{"sid":');
        return setImmediate(() => res.socket?.destroy());
      }
      res.writeHead(429, "Too Many Requests", { "Retry-After": "3", "Content-Type": "application/json" });
      res.end(JSON.stringify({ code: 20429, echo: body }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const post = (path: string, timeoutMs = 15_000) =>
  keepAliveRequest(new URL(path, origin), {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: "To=%2B14155550123&Body=%C3%A9t%C3%A9",
    timeoutMs,
  });

describe("keepAliveRequest (the provider adapters' HTTP client)", () => {
  it("GIVEN an answer WHEN read THEN its status, reason, headers and whole text come back, the body sent as given", async () => {
    const answer = await post("/answer");
    expect(answer).toMatchObject({ status: 429, statusText: "Too Many Requests", ok: false });
    expect(answer.header("retry-after")).toBe("3");
    expect(answer.header("Retry-After")).toBe("3");
    expect(JSON.parse(answer.text)).toEqual({ code: 20429, echo: "To=%2B14155550123&Body=%C3%A9t%C3%A9" });
  });

  it("GIVEN requests one after the other WHEN sent THEN they share one connection", async () => {
    connections.length = 0;
    await post("/answer");
    await post("/answer");
    await post("/answer");
    expect(connections).toHaveLength(3);
    expect(new Set(connections).size).toBe(1);
  });

  it("GIVEN an answer cut off mid-body WHEN read THEN the request fails (never a partial answer)", async () => {
    await expect(post("/cut")).rejects.toThrow();
  });

  it("GIVEN a server that never answers WHEN the time is up THEN the request fails", async () => {
    await expect(post("/stall", 50)).rejects.toThrow(/no complete answer within 50 ms/);
  });
});
