import { PrismaClient } from "./generated/sqlite/client";
import { PrismaClient as PostgresPrismaClient } from "./generated/postgresql/client";
import { createAppAdapter } from "./config/database-adapter";
import { resolveDatabaseTarget, type DatabaseTarget } from "./config/database-url";
import { rememberDriver } from "./db/driver.server";
import { TRANSACTION_OPTIONS } from "./db/transaction-options";

export type Db = PrismaClient;

/**
 * Builds a Prisma client for a target. Two generated clients exist because Prisma binds
 * a client to its schema's provider; both come from one schema, so their model APIs are
 * identical and the app types everything against `Db`.
 */
export function createDb(target: DatabaseTarget = resolveDatabaseTarget()): Db {
  // The sync's batch writes use the client's driver connection directly (db/driver.server).
  const { factory: adapter, bind } = rememberDriver(createAppAdapter(target));
  const client =
    target.provider === "sqlite"
      ? new PrismaClient({ adapter, transactionOptions: TRANSACTION_OPTIONS })
      : (new PostgresPrismaClient({ adapter, transactionOptions: TRANSACTION_OPTIONS }) as unknown as Db);
  bind(client);
  return client;
}

declare global {
  var __db: Db | undefined;
}

// One client per process (kept across dev-server reloads).
const db: Db = globalThis.__db ?? createDb();
if (process.env.NODE_ENV !== "production") globalThis.__db = db;

export default db;
