import path from "node:path";

export type DatabaseProvider = "sqlite" | "postgresql";

export interface DatabaseTarget {
  provider: DatabaseProvider;
  /** For SQLite a `file:` URL with an absolute path; for PostgreSQL the connection string. */
  url: string;
}

/** The embedded default: a SQLite file inside the project's prisma/ folder. */
export const DEFAULT_SQLITE_FILE = path.resolve(import.meta.dirname, "../../prisma/dev.sqlite");

/**
 * One rule for every entry point (app, worker, CLI, Prisma CLI, tests):
 * DATABASE_URL unset or `file:` → SQLite; `postgres://` / `postgresql://` → PostgreSQL.
 */
export function resolveDatabaseTarget(raw: string | undefined = process.env.DATABASE_URL): DatabaseTarget {
  const url = raw?.trim();
  if (!url) return { provider: "sqlite", url: `file:${DEFAULT_SQLITE_FILE}` };
  if (url.startsWith("file:")) {
    const file = url.slice("file:".length);
    return { provider: "sqlite", url: `file:${path.resolve(file)}` };
  }
  if (/^postgres(ql)?:\/\//.test(url)) return { provider: "postgresql", url };
  throw new Error(
    `DATABASE_URL must be unset, a file: URL (SQLite) or a postgres:// URL (PostgreSQL); got a value starting with "${url.split(":")[0]}:"`,
  );
}

export function schemaPathFor(provider: DatabaseProvider): string {
  const root = path.resolve(import.meta.dirname, "../../prisma");
  return provider === "sqlite" ? path.join(root, "schema.prisma") : path.join(root, "postgresql", "schema.prisma");
}
