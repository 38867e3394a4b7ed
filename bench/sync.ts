import { existsSync, readFileSync } from "node:fs";
import db from "../app/db.server";
import { isPostgres } from "../app/db/update-rows.server";
import { ensureShop } from "../app/commerce/shops.server";
import { TableJobQueue } from "../app/jobs/table-queue.server";
import { httpAdminGraphql } from "../app/shopify-admin/http-client.server";
import { startStandInProcess } from "./sync-stand-in";
import { latestSync, startSync, syncStep } from "../app/sync/run.server";
import type { BenchContext } from "./sections";
import { log } from "./stats";
import { compared, plain, type BenchRow } from "./table";

/** The target: customers written per second by the day-one sync. */
const TARGET_CUSTOMERS_PER_SECOND = 5000;

/**
 * The day-one sync of a store with `syncCustomers` customers with 0, 1 or 2 orders each (one
 * on average, one line each; the row said ~2 orders a customer until 2026-12-03), through the real protocol: the Admin API stand-in on 127.0.0.1, in a process of its own
 * (bench/sync-stand-in), serves the bulk results, the sync's steps run back to back in this process (no poll waits), on a
 * scratch database. Figures: the whole sync, and customers (with their orders) per second.
 */
export async function benchSync(ctx: BenchContext): Promise<BenchRow[]> {
  const n = ctx.options.syncCustomers;
  const section = `Day-one sync, ${ctx.database}`;
  const now = new Date();
  const shop = await ensureShop(db, `bench-sync-${Date.now().toString(36)}.myshopify.com`);
  const standIn = await startStandInProcess({ shop: shop.domain, customers: n, now });
  const deps = {
    db,
    clock: { now: () => new Date() },
    queue: new TableJobQueue(db),
    admin: httpAdminGraphql({ origin: standIn.origin, accessToken: "shpat_bench" }),
  };
  try {
    const started = performance.now();
    const { id } = await startSync(deps, shop.id, { reason: "cli" });
    const phases: Record<string, number> = {};
    let last = performance.now();
    let phase = "start";
    // The steps that download and write a finished result, by resource. The others wait for
    // Shopify's bulk query (the stand-in's process builds and serialises the store's lines).
    const applying: Record<string, number> = {};
    let before = await latestSync(db, shop.id);
    const cpu = { node: 0, db: 0 }; // ms of CPU in the writing steps of customers and orders
    for (;;) {
      const stepStarted = performance.now();
      const cpuBefore = await cpuNow();
      await syncStep(deps, id, { pollMs: 0, budgetMs: 60_000 });
      if (before?.status === "RUNNING" && before.resultUrl) {
        const resource = before.resource ?? "start";
        applying[resource] = (applying[resource] ?? 0) + (performance.now() - stepStarted);
        if (resource === "customers" || resource === "orders") {
          const cpuAfter = await cpuNow();
          cpu.node += cpuAfter.node - cpuBefore.node;
          for (const [pid, ms] of cpuAfter.db) cpu.db += ms - (cpuBefore.db.get(pid) ?? 0);
        }
      }
      const run = await latestSync(db, shop.id);
      before = run;
      const current = run!.status === "RUNNING" ? (run!.resource ?? "start") : run!.status.toLowerCase();
      if (current !== phase) {
        phases[phase] = (phases[phase] ?? 0) + (performance.now() - last);
        log(`  ${phase}: ${((performance.now() - last) / 1000).toFixed(1)} s`);
        last = performance.now();
        phase = current;
      }
      if (run!.status === "COMPLETED" || run!.status === "FAILED") {
        if (run!.status === "FAILED") throw new Error(`sync failed: ${run!.error}`);
        break;
      }
    }
    const total = (performance.now() - started) / 1000;
    const writing = ((phases.customers ?? 0) + (phases.orders ?? 0)) / 1000;
    const perSecond = n / writing;
    const seconds = (ms = 0) => `${(ms / 1000).toFixed(1)} s`;
    log(`sync of ${n.toLocaleString("en")} customers: ${total.toFixed(1)} s, ${perSecond.toFixed(0)} customers/s`);
    log(
      `  writing steps alone: customers ${seconds(applying.customers)} + orders ${seconds(applying.orders)}` +
        ` (${(n / (((applying.customers ?? 0) + (applying.orders ?? 0)) / 1000)).toFixed(0)} customers/s);` +
        ` CPU in them: this process ${seconds(cpu.node)}, the database ${seconds(cpu.db)}`,
    );
    return [
      plain(
        section,
        `${n.toLocaleString("en")} customers, ~${n.toLocaleString("en")} orders: whole sync`,
        `${total.toFixed(1)} s`,
      ),
      compared(
        section,
        "customers with their orders written per second (target 5,000)",
        perSecond,
        TARGET_CUSTOMERS_PER_SECOND,
        (v) => `${v.toFixed(0)}/s`,
      ),
      plain(section, "segments computed once at the end", `${((phases.segments ?? 0) / 1000).toFixed(1)} s`),
    ];
  } finally {
    await standIn.close();
  }
}

/**
 * CPU time so far (ms) of this process and of each PostgreSQL backend serving this database
 * (by pid; SQLite runs inside this process). On the shared machine the wall-clock figures move
 * 2-3x with the load; CPU time moves far less, so it is what a change's same-run pairs compare.
 */
async function cpuNow(): Promise<{ node: number; db: Map<number, number> }> {
  const usage = process.cpuUsage();
  const backends = isPostgres()
    ? await db.$queryRaw<{ pid: number }[]>`SELECT pid FROM pg_stat_activity WHERE datname = current_database()`
    : [];
  const dbMs = new Map<number, number>();
  for (const { pid } of backends) {
    // utime and stime, in clock ticks (100 a second), are fields 14 and 15 of /proc/<pid>/stat;
    // a server on another machine (or a backend gone meanwhile) is not counted.
    const stat = existsSync(`/proc/${pid}/stat`) ? readFileSync(`/proc/${pid}/stat`, "utf8") : null;
    const fields = stat?.split(") ")[1]?.split(" ");
    if (fields) dbMs.set(pid, (Number(fields[11]) + Number(fields[12])) * 10);
  }
  return { node: (usage.user + usage.system) / 1000, db: dbMs };
}
