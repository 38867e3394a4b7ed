import { existsSync } from "node:fs";
import { execFileSync } from "node:child_process";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { createRequestHandler, type ServerBuild } from "@remix-run/node";
import { Session } from "@shopify/shopify-api";
import db from "../app/db.server";
import { openSqlDriver, type SqlDriver } from "../app/db/sql-driver.server";
import { ensureShop } from "../app/commerce/shops.server";
import { mintSessionToken } from "../app/admin/session-token.server";
import { sessionStorage } from "../app/runtime/shopify.server";
import type { BenchContext } from "./sections";
import { analyze, seedCustomers } from "./segments";
import { log, ms, summarize } from "./stats";
import { compared, type BenchRow } from "./table";

const root = path.resolve(import.meta.dirname, "..");
const REQUESTS = 20;

/**
 * Admin pages rendered on the server: the production build's request handler answers a
 * document request for the page with a session token, as Shopify's admin sends it, so the
 * time covers authentication, the page's queries and React's server render. Shops of the
 * smallest and the largest size (customers, memberships and one text per ten customers
 * over 90 days), each page's mean and p99 against the smallest shop.
 */
export async function benchAdmin(ctx: BenchContext): Promise<BenchRow[]> {
  const { target, options: o } = ctx;
  const section = `Admin render, ${ctx.database}`;
  const sizes = [o.sizes[0]!, o.sizes.at(-1)!];
  const handle = createRequestHandler(await serverBuild(), "production");
  const driver = await openSqlDriver(target);
  const now = new Date();
  const shops: { size: number; domain: string; segmentId: string }[] = [];
  try {
    for (const size of sizes) {
      const shop = await ensureShop(db, `bench-admin-${size}-${Date.now().toString(36)}.myshopify.com`);
      const t = performance.now();
      await seedCustomers(driver, target.provider, shop.id, size, now);
      await seedMessages(driver, target.provider, shop.id, Math.ceil(size / 10), now);
      log(`admin: ${size.toLocaleString("en")} customers seeded in ${((performance.now() - t) / 1000).toFixed(1)} s`);
      await sessionStorage.storeSession(
        new Session({
          id: `offline_${shop.domain}`,
          shop: shop.domain,
          state: "bench",
          isOnline: false,
          accessToken: "bench",
          scope: process.env.SCOPES ?? "",
        }),
      );
      const biggest = await db.segment.findFirstOrThrow({
        where: { shopId: shop.id },
        orderBy: { memberCount: "desc" },
      });
      shops.push({ size, domain: shop.domain, segmentId: biggest.id });
    }
  } finally {
    await driver.close();
  }
  const pages = [
    { name: "home (30 days)", path: () => "/app?period=30" },
    { name: "segments list", path: () => "/app/segments" },
    { name: "segment page (largest segment)", path: (s: (typeof shops)[number]) => `/app/segments/${s.segmentId}` },
  ];
  const rows: BenchRow[] = [];
  for (const page of pages) {
    const samples = new Map<number, number[]>(shops.map((s) => [s.size, []]));
    // Untimed first requests (JIT, query plans), then the shops in turn so load changes hit both.
    for (let i = -3; i < REQUESTS; i++) {
      for (const shop of shops) {
        const took = await render(handle, shop.domain, page.path(shop));
        if (i >= 0) samples.get(shop.size)!.push(took);
      }
    }
    const [small, large] = sizes.map((size) => summarize(samples.get(size)!));
    log(
      `admin: ${page.name}: ${sizes.map((s, i) => `${s.toLocaleString("en")} → ${ms([small, large][i]!.mean)}`).join(", ")}`,
    );
    const label = `${page.name}, server render (mean), ${sizes[1]!.toLocaleString("en")} vs ${sizes[0]!.toLocaleString("en")} customers`;
    rows.push(compared(section, label, large!.mean, small!.mean, ms));
    rows.push(compared(section, label.replace("(mean)", "(p99)"), large!.p99, small!.p99, ms));
  }
  return rows;
}

async function render(
  handle: ReturnType<typeof createRequestHandler>,
  shop: string,
  pagePath: string,
): Promise<number> {
  const token = mintSessionToken({
    shop,
    apiKey: process.env.SHOPIFY_API_KEY!,
    apiSecret: process.env.SHOPIFY_API_SECRET!,
  });
  const request = new Request(`https://bench.example${pagePath}`, {
    headers: { authorization: `Bearer ${token}`, "user-agent": "Mozilla/5.0 (bench) Chrome/156" },
  });
  const t = performance.now();
  const response = await handle(request);
  const html = await response.text();
  const took = performance.now() - t;
  if (response.status !== 200 || !html.includes("</html>"))
    throw new Error(`${pagePath} answered ${response.status}: ${html.slice(0, 300)}`);
  return took;
}

/** The production build (built first if it is missing). */
async function serverBuild(): Promise<ServerBuild> {
  const file = path.join(root, "build/server/index.js");
  if (!existsSync(file))
    execFileSync(process.execPath, [path.join(root, "node_modules/@remix-run/dev/dist/cli.js"), "vite:build"], {
      cwd: root,
      stdio: "ignore",
    });
  return (await import(pathToFileURL(file).href)) as ServerBuild;
}

/** Sent marketing texts spread over the last 90 days, some delivered, for the home page's numbers. */
async function seedMessages(
  driver: SqlDriver,
  provider: "sqlite" | "postgresql",
  shopId: string,
  count: number,
  now: Date,
) {
  const nowSec = Math.floor(now.getTime() / 1000);
  const pg = provider === "postgresql";
  const series = pg ? `generate_series(1::bigint, ${count}) AS s(n)` : `seq`;
  const prefix = pg ? "" : `WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < ${count}) `;
  const ts = (secondsExpr: string) =>
    pg
      ? `(to_timestamp(${secondsExpr}) AT TIME ZONE 'UTC')`
      : `strftime('%Y-%m-%dT%H:%M:%S.000+00:00', ${secondsExpr}, 'unixepoch')`;
  const text = (expr: string) => (pg ? `(${expr})::text` : `CAST(${expr} AS TEXT)`);
  const status = (v: string) => (pg ? `'${v}'::"MessageStatus"` : `'${v}'`);
  const direction = pg ? `'OUTBOUND'::"MessageDirection"` : `'OUTBOUND'`;
  const sentAt = ts(`${nowSec} - ((n * 7919) % ${90 * 86400})`);
  await driver.exec(`${prefix}
    INSERT INTO "Message" ("id", "shopId", "customerId", "direction", "purpose", "body", "status", "idempotencyKey", "dueAt", "sentAt", "deliveredAt", "segments", "cost", "createdAt", "updatedAt")
    SELECT '${shopId}-m' || ${text("n")}, '${shopId}', '${shopId}-' || ${text("n * 10")}, ${direction}, 'marketing', 'Bench text', 
      CASE WHEN n % 10 = 0 THEN ${status("FAILED")} ELSE ${status("DELIVERED")} END, 'bench:' || ${text("n")},
      ${sentAt}, ${sentAt}, CASE WHEN n % 10 = 0 THEN NULL ELSE ${sentAt} END, 1, 0.0079, ${sentAt}, ${sentAt}
    FROM ${series}`);
  await analyze(driver, provider);
}
