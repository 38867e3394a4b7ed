import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import type { DatabaseTarget } from "./database-url";

/** The Prisma driver adapter for a target; shared by the app's client and the Prisma CLI. */
export function createAdapter(target: DatabaseTarget) {
  if (target.provider === "sqlite") {
    // busy timeout: the web process and the in-process worker write concurrently.
    return new PrismaBetterSQLite3({ url: target.url, timeout: 10_000 });
  }
  return new PrismaPg({ connectionString: target.url, max: Number(process.env.DATABASE_POOL_SIZE ?? 10) });
}
