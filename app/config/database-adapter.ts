import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import type { DatabaseTarget } from "./database-url";

/** The Prisma driver adapter for a target, as the Prisma CLI needs it (prisma.config.ts). */
export function createAdapter(target: DatabaseTarget) {
  if (target.provider === "sqlite") {
    // busy timeout: the web process and the worker take turns writing.
    return new PrismaBetterSQLite3({ url: target.url, timeout: 10_000 });
  }
  return new PrismaPg({ connectionString: target.url, max: Number(process.env.DATABASE_POOL_SIZE ?? 10) });
}

/**
 * SQLite settings for an app database: WAL lets the web process read while the worker
 * writes (with the default rollback journal a reader blocks the writer), and
 * synchronous=NORMAL is the durable-enough pairing for WAL (a power cut can lose the last
 * commits, never consistency). `optimize` gathers planner statistics for tables that lack
 * them or have grown (bounded by analysis_limit: about a second at 1M customers, then
 * nothing until they grow again), as SQLite advises at connection open. Without them
 * SQLite 3.54's planner scanned all 3M segment memberships of the bench's 1M-customer shop
 * for the segment page's overlap (0.9 s) where an index range takes 70 ms.
 */
const SQLITE_PRAGMAS =
  "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA analysis_limit = 1000; PRAGMA optimize = 0x10002;";

/** The adapter for the app's own client (web, worker, CLI, tests). */
export function createAppAdapter(target: DatabaseTarget) {
  if (target.provider !== "sqlite") return createAdapter(target);
  const factory = new PrismaBetterSQLite3({ url: target.url, timeout: 10_000 });
  return {
    provider: "sqlite" as const,
    adapterName: factory.adapterName,
    connect: async () => {
      const adapter = await factory.connect();
      await adapter.executeScript(SQLITE_PRAGMAS);
      return adapter;
    },
  };
}
