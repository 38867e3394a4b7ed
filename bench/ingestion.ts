import { createHmac, timingSafeEqual } from "node:crypto";
import { createServer, Agent, request } from "node:http";
import type { AddressInfo } from "node:net";
import { signWebhook } from "../dev/simulator/webhook-sender";
import { customerPayload, orderPayload } from "../dev/simulator/shopify-payloads";
import { startWebhookServer, WEBHOOK_ROUTES } from "../test/support/routes";
import type { BenchContext } from "./sections";
import { log, ms, perSecond, summarize } from "./stats";
import { compared, plain, type BenchRow } from "./table";

/**
 * Webhook acknowledgement over HTTP on 127.0.0.1: the app's real route (authenticate.webhook,
 * payload check, inbox insert, job enqueue) against two floors, all loaded the same way in
 * the same run, at each load level (requests in flight):
 * - the framework floor: the same server adapter and Remix action doing only
 *   `authenticate.webhook` and answering 200 (what any app on this stack pays);
 * - a bare node:http handler that only verifies the HMAC (what the machine can do).
 * The worker is not running: this is what Shopify waits for.
 */
export async function benchIngestion(ctx: BenchContext): Promise<BenchRow[]> {
  const { requests, concurrency } = ctx.options;
  const secret = process.env.SHOPIFY_API_SECRET!;
  const section = `Webhook ingestion, ${ctx.database}`;
  const bare = await startBareServer(secret);
  const floor = await startWebhookServer(await frameworkFloorRoutes());
  const app = await startWebhookServer();
  try {
    // Warm-up (JIT, connections, caches) at the highest load, untimed.
    for (const url of [bare.url, floor.url, app.url])
      await load(url, secret, Math.min(300, requests), Math.max(...concurrency));
    const rows: BenchRow[] = [];
    for (const inFlight of concurrency) {
      const [base, framework, ours] = await alternating([bare.url, floor.url, app.url], secret, requests, inFlight);
      log(
        `${inFlight} in flight: bare ${base.perSecond.toFixed(0)}/s, framework ${framework.perSecond.toFixed(0)}/s, app ${ours.perSecond.toFixed(0)}/s, app p50 ${ms(ours.p50)} p99 ${ms(ours.p99)}, non-200 ${base.errors}/${framework.errors}/${ours.errors}`,
      );
      const vsFloor = (what: string) => `${what}, ${inFlight} in flight (app route vs authenticate.webhook only)`;
      const vsBare = (what: string) => `${what}, ${inFlight} in flight (app route vs bare HMAC handler)`;
      rows.push(
        compared(section, vsFloor("webhooks/s"), ours.perSecond, framework.perSecond, perSecond),
        compared(section, vsFloor("p99 ack"), ours.p99, framework.p99, ms),
        compared(section, vsBare("webhooks/s"), ours.perSecond, base.perSecond, perSecond),
        compared(section, vsBare("p50 ack"), ours.p50, base.p50, ms),
        compared(section, vsBare("p99 ack"), ours.p99, base.p99, ms),
      );
      if (base.errors + framework.errors + ours.errors > 0)
        rows.push(
          plain(
            section,
            `non-200 answers, ${inFlight} in flight (app / framework / bare)`,
            `${ours.errors} / ${framework.errors} / ${base.errors}`,
          ),
        );
    }
    return rows;
  } finally {
    await Promise.all([bare.close(), floor.close(), app.close()]);
  }
}

/** The webhook paths served by an action that only authenticates (the framework's floor). */
async function frameworkFloorRoutes() {
  const { authenticate } = await import("../app/runtime/shopify.server");
  const onlyAuthenticate = async ({ request }: { request: Request }) => {
    try {
      await authenticate.webhook(request);
      return new Response(null, { status: 200 });
    } catch (thrown) {
      if (thrown instanceof Response) return thrown; // 401 for a bad signature, as the app answers
      throw thrown;
    }
  };
  return Object.fromEntries(Object.keys(WEBHOOK_ROUTES).map((path) => [path, onlyAuthenticate]));
}

/**
 * Both handlers at the same load, in alternating slices: the machine's load changes over a
 * run (other processes), and a handler measured after the other, a minute apart, would
 * carry that change into the ratio.
 */
async function alternating(urls: string[], secret: string, total: number, inFlight: number, slices = 4) {
  const runs = urls.map(() => ({ latencies: [] as number[], seconds: 0, errors: 0 }));
  for (let slice = 0; slice < slices; slice++) {
    for (const [i, url] of urls.entries()) {
      const r = await load(url, secret, Math.ceil(total / slices), inFlight);
      runs[i]!.latencies.push(...r.latencies);
      runs[i]!.seconds += r.seconds;
      runs[i]!.errors += r.errors;
    }
  }
  return runs.map(({ latencies, seconds, errors }) => {
    const s = summarize(latencies);
    return { perSecond: latencies.length / seconds, p50: s.p50, p99: s.p99, errors };
  });
}

async function load(baseUrl: string, secret: string, total: number, concurrency: number) {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const shop = `bench-${Date.now().toString(36)}.myshopify.com`;
  const customer = customerPayload({ updatedAt: new Date() });
  const deliveries = Array.from({ length: total }, () =>
    signWebhook(baseUrl, secret, shop, "orders/create", orderPayload({ customer, at: new Date() })),
  );
  const latencies: number[] = [];
  let errors = 0;
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < deliveries.length) {
        const d = deliveries[next++]!;
        const t = performance.now();
        const status = await post(agent, d.url, d.headers, d.body);
        latencies.push(performance.now() - t);
        if (status !== 200) errors++;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  agent.destroy();
  return { latencies, seconds, errors };
}

function post(agent: Agent, url: string, headers: Record<string, string>, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: "POST", agent, headers: { ...headers, "Content-Length": String(Buffer.byteLength(body)) } },
      (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

async function startBareServer(secret: string) {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const expected = createHmac("sha256", secret).update(Buffer.concat(chunks)).digest();
      const given = Buffer.from(String(req.headers["x-shopify-hmac-sha256"] ?? ""), "base64");
      const ok = given.length === expected.length && timingSafeEqual(given, expected);
      res.writeHead(ok ? 200 : 401).end();
    });
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
}
