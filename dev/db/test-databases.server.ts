import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import type { DatabaseTarget, DatabaseProvider } from "../../app/config/database-url";

/**
 * Throwaway databases with unique names, for tests, the drift check and benchmarks.
 * PostgreSQL ones are created through an admin connection (PG_ADMIN_URL) and dropped after.
 */
export const PG_ADMIN_URL =
  process.env.PG_ADMIN_URL ?? `postgresql://${os.userInfo().username}@127.0.0.1:5432/postgres`;

export interface ScratchDatabase {
  target: DatabaseTarget;
  drop(): Promise<void>;
}

export async function createScratchDatabase(provider: DatabaseProvider, label = "scratch"): Promise<ScratchDatabase> {
  const unique = `${label}_${process.pid}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
  if (provider === "sqlite") {
    const dir = mkdtempSync(path.join(os.tmpdir(), "sms-db-"));
    return {
      target: { provider, url: `file:${path.join(dir, `${unique}.sqlite`)}` },
      drop: async () => rmSync(dir, { recursive: true, force: true }),
    };
  }
  const name = `sms_${unique}`.toLowerCase().replace(/[^a-z0-9_]/g, "_");
  await withAdmin((c) => c.query(`CREATE DATABASE "${name}"`));
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    target: { provider, url: url.toString() },
    drop: () => withAdmin((c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)).then(() => undefined),
  };
}

async function withAdmin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: PG_ADMIN_URL });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}
