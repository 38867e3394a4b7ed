import type { Db } from "../db.server";
import type { Prisma } from "../generated/sqlite/client";
import { resolveDatabaseTarget } from "../config/database-url";
import { TRANSACTION_OPTIONS } from "./transaction-options";

/**
 * Raw statements straight through the client's own driver adapter, without Prisma's query
 * compiler, for the day-one sync's batch writes (issue 19). Prisma 6.19 compiles every
 * statement, raw ones included, by handing the query and its arguments as JSON to its wasm
 * compiler: a batch insert's one bound JSON array of 500 rows (~100-200 kB) is serialised,
 * parsed and copied there and back, which was 17% of a 10k sync's writing CPU, and its
 * interpreter around it another ~10%. The driver adapter is the connection Prisma itself
 * uses (on SQLite the same connection and the same lock its transactions take; on
 * PostgreSQL a connection from the same pool), so these transactions are ordinary ones
 * beside Prisma's.
 */
export interface SqlRunner {
  query<T extends Record<string, unknown>>(statement: Prisma.Sql): Promise<T[]>;
  execute(statement: Prisma.Sql): Promise<number>;
}

/** The same statements through Prisma (inside one of its transactions, or on its own). */
export const prismaRunner = (db: Db): SqlRunner => ({
  query: <T>(statement: Prisma.Sql) => db.$queryRaw<T[]>(statement),
  execute: (statement) => db.$executeRaw(statement),
});

interface SqlQuery {
  sql: string;
  args: unknown[];
  argTypes: { scalarType: "string" | "int" | "float" | "datetime" | "unknown"; arity: "scalar" }[];
}
interface Queryable {
  queryRaw(query: SqlQuery): Promise<{ columnNames: string[]; rows: unknown[][] }>;
  executeRaw(query: SqlQuery): Promise<number>;
}
interface DriverTransaction extends Queryable {
  commit(): Promise<void>;
  rollback(): Promise<void>;
}
/** The part of Prisma's SqlDriverAdapter used here. */
interface Driver extends Queryable {
  startTransaction(): Promise<DriverTransaction>;
  dispose(): Promise<void>;
}

const drivers = new WeakMap<object, { driver?: Driver }>();

/**
 * Makes the adapter factory remember the connection it opens for `client`
 * (db.server's createDb wraps its factory with this before building the client).
 */
export function rememberDriver<F extends { connect(): Promise<unknown> }>(
  factory: F,
): { factory: F; bind: (client: object) => void } {
  const holder: { driver?: Driver } = {};
  const connect = factory.connect.bind(factory);
  factory.connect = async () => {
    const driver = (await connect()) as Driver;
    holder.driver = driver;
    // `$disconnect` disposes of it (closes the pool or the file): forgotten then, so the next
    // statement here connects again as Prisma's own do, instead of failing on a closed pool.
    const dispose = driver.dispose.bind(driver);
    driver.dispose = () => {
      if (holder.driver === driver) holder.driver = undefined;
      return dispose();
    };
    return driver;
  };
  return { factory, bind: (client) => drivers.set(client, holder) };
}

/** PostgreSQL: this transaction's COMMIT does not wait for its WAL to reach the disk. */
export const RELAXED_COMMIT = "SET LOCAL synchronous_commit = off";

/**
 * Runs `work` in one transaction on the client's driver connection: committed when it
 * returns, rolled back when it throws. A client built elsewhere (none remembered) runs it
 * in a Prisma transaction instead, with the same statements.
 *
 * `resumable`: the transaction belongs to work that finds out after a crash what it has
 * done and does the rest again (the day-one sync: its progress is saved after each batch,
 * and a batch written twice ends the same). On PostgreSQL its COMMIT then returns without
 * waiting for the WAL to reach the disk (`SET LOCAL synchronous_commit = off`); a crash of the
 * server can lose the last such commits (at most ~3 × wal_writer_delay, 600 ms by default),
 * never a part of one, and never one that a later durable commit follows: the WAL is flushed
 * in order, so whatever a durable commit (another shop's webhook, …) made safe, every earlier
 * commit is safe too. On SQLite a commit in WAL mode does not sync to disk either way
 * (synchronous=NORMAL).
 */
export async function driverTransaction<T>(
  db: Db,
  work: (sql: SqlRunner) => Promise<T>,
  { resumable = false }: { resumable?: boolean } = {},
): Promise<T> {
  const pg = resolveDatabaseTarget().provider === "postgresql";
  const holder = drivers.get(db);
  if (!holder)
    return db.$transaction(
      async (tx) => {
        if (resumable && pg) await tx.$executeRawUnsafe(RELAXED_COMMIT);
        return work(prismaRunner(tx as Db));
      },
      TRANSACTION_OPTIONS, // a client built elsewhere may have Prisma's 5 s timeout (db/transaction-options)
    );
  if (!holder.driver) await db.$connect(); // Prisma connects on first use
  const tx = await holder.driver!.startTransaction();
  const run = (text: string) => tx.executeRaw({ sql: text, args: [], argTypes: [] });
  try {
    if (resumable && pg) await run(RELAXED_COMMIT);
    const result = await work(driverRunner(tx, pg));
    // The adapters begin a transaction and leave COMMIT / ROLLBACK to their caller (as Prisma does).
    await run("COMMIT");
    await tx.commit();
    return result;
  } catch (error) {
    try {
      await run("ROLLBACK");
    } finally {
      await tx.rollback();
    }
    throw error;
  }
}

const autocommit = new WeakMap<object, SqlRunner>();

/**
 * Statements each on its own (no transaction) straight on the client's driver adapter: what
 * Prisma does with a raw statement outside a transaction, without its client and compiler
 * around it. For the hot paths' raw statements (batch dispatch's reads and writes: Prisma's
 * client around them was ~17 % of a send worker's CPU and its compiler ~9 %, issue 16). A
 * client built elsewhere (none remembered), or a transaction's client, runs them through
 * Prisma instead: inside that transaction.
 */
export function sqlOn(db: Db): SqlRunner {
  const holder = drivers.get(db);
  if (!holder) return prismaRunner(db);
  let runner = autocommit.get(db);
  if (!runner) {
    const pg = resolveDatabaseTarget().provider === "postgresql";
    const driver = async () => {
      if (!holder.driver) await db.$connect(); // Prisma connects on first use
      return holder.driver!;
    };
    runner = {
      query: async (s) => driverRunner(await driver(), pg).query(s),
      execute: async (s) => driverRunner(await driver(), pg).execute(s),
    };
    autocommit.set(db, runner);
  }
  return runner;
}

function driverRunner(tx: Queryable, pg: boolean): SqlRunner {
  const query = (s: Prisma.Sql): SqlQuery => {
    const args = s.values.map((v) => (v instanceof Date ? v.toISOString() : v));
    return { sql: pg ? s.text : s.sql, args, argTypes: s.values.map(argType) };
  };
  return {
    async query<T>(s: Prisma.Sql) {
      const { columnNames, rows } = await tx.queryRaw(query(s));
      return rows.map((row) => Object.fromEntries(columnNames.map((name, i) => [name, row[i]])) as T);
    },
    execute: (s) => tx.executeRaw(query(s)),
  };
}

function argType(value: unknown): SqlQuery["argTypes"][number] {
  const scalarType =
    typeof value === "string"
      ? "string"
      : typeof value === "number"
        ? Number.isInteger(value)
          ? "int"
          : "float"
        : value instanceof Date
          ? "datetime"
          : "unknown";
  return { scalarType, arity: "scalar" };
}
