import { PrismaClient } from "../app/generated/sqlite/client";
import { PrismaClient as PostgresPrismaClient } from "../app/generated/postgresql/client";
import { createAppAdapter } from "../app/config/database-adapter";
import type { DatabaseTarget } from "../app/config/database-url";
import type { Db } from "../app/db.server";
import { rememberDriver } from "../app/db/driver.server";
import { TRANSACTION_OPTIONS } from "../app/db/transaction-options";

/** Statements a client sent, by kind, and the SQL of each (for a per-event listing). */
export interface StatementLog {
  statements: number;
  /** BEGIN/COMMIT/ROLLBACK: round trips too, though Prisma sends them through the adapter's transaction object. */
  transactions: number;
  sql: string[];
  reset(): void;
}

/**
 * A Prisma client like the app's own (same adapter and settings) whose driver adapter counts
 * every statement it sends: per-event counts do not depend on the machine's load, unlike the
 * timings beside them. Counting at the adapter sees what Prisma really sends (a nested write,
 * an upsert or an interactive transaction is several statements).
 */
export function countingDb(target: DatabaseTarget): { db: Db; log: StatementLog } {
  const log: StatementLog = {
    statements: 0,
    transactions: 0,
    sql: [],
    reset() {
      this.statements = 0;
      this.transactions = 0;
      this.sql = [];
    },
  };
  const counted = <T extends object>(queryable: T): T =>
    new Proxy(queryable, {
      get(object, key, receiver) {
        const value = Reflect.get(object, key, receiver) as unknown;
        if (typeof value !== "function") return value;
        if (key === "queryRaw" || key === "executeRaw")
          return (query: { sql: string }) => {
            log.statements += 1;
            log.sql.push(query.sql);
            return (value as (q: unknown) => unknown).call(object, query);
          };
        if (key === "startTransaction")
          return async (...args: unknown[]) => {
            log.transactions += 1;
            return counted((await (value as (...a: unknown[]) => Promise<object>).apply(object, args)) as object);
          };
        return (value as (...a: unknown[]) => unknown).bind(object);
      },
    });
  const factory = createAppAdapter(target);
  // Remembered as the app's own client is (db.server createDb): raw statements the app sends on
  // the driver adapter itself (db/driver.server) are counted there too.
  const { factory: adapter, bind } = rememberDriver({
    provider: factory.provider as "sqlite" | "postgres",
    adapterName: factory.adapterName,
    connect: async () => counted(await factory.connect()),
  });
  const db =
    target.provider === "sqlite"
      ? new PrismaClient({ adapter, transactionOptions: TRANSACTION_OPTIONS })
      : (new PostgresPrismaClient({ adapter, transactionOptions: TRANSACTION_OPTIONS }) as unknown as Db);
  bind(db);
  return { db, log };
}
