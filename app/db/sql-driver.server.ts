import { createHash, randomUUID } from "node:crypto";
import Database from "better-sqlite3";
import pg from "pg";
import type { DatabaseTarget } from "../config/database-url";

/**
 * A raw SQL connection for the few jobs Prisma's client is not for: applying migration
 * files and reading the catalog. (Prisma's Wasm schema engine cannot migrate PostgreSQL
 * through adapter-pg, prisma/orm#27403, so migrations are applied here.)
 */
export interface SqlDriver {
  provider: DatabaseTarget["provider"];
  exec(sql: string): Promise<void>;
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  transaction(fn: () => Promise<void>): Promise<void>;
  close(): Promise<void>;
}

export async function openSqlDriver(target: DatabaseTarget): Promise<SqlDriver> {
  if (target.provider === "sqlite") {
    const file = target.url.slice("file:".length);
    const sqlite = new Database(file, { timeout: 10_000 });
    sqlite.pragma("journal_mode = WAL");
    return {
      provider: "sqlite",
      exec: async (sql) => void sqlite.exec(sql),
      query: async <T>(sql: string, params: unknown[] = []) => {
        const statement = sqlite.prepare(sql);
        if (!statement.reader) {
          statement.run(...params);
          return [];
        }
        return statement.all(...params) as T[];
      },
      transaction: async (fn) => {
        sqlite.exec("BEGIN");
        try {
          await fn();
          sqlite.exec("COMMIT");
        } catch (error) {
          sqlite.exec("ROLLBACK");
          throw error;
        }
      },
      close: async () => void sqlite.close(),
    };
  }
  const client = new pg.Client({ connectionString: target.url });
  // A server-side disconnect surfaces on the next query; without a listener it would crash the process.
  client.on("error", () => {});
  await client.connect();
  return {
    provider: "postgresql",
    exec: async (sql) => void (await client.query(sql)),
    query: async <T>(sql: string, params: unknown[] = []) => (await client.query(sql, params)).rows as T[],
    transaction: async (fn) => {
      await client.query("BEGIN");
      try {
        await fn();
        await client.query("COMMIT");
      } catch (error) {
        await client.query("ROLLBACK");
        throw error;
      }
    },
    close: () => client.end(),
  };
}

export const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");
export const newId = () => randomUUID();
