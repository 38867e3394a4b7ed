import { execFileSync } from "node:child_process";
import path from "node:path";
import { schemaPathFor, type DatabaseProvider } from "../../app/config/database-url";
import { PG_ADMIN_URL } from "./test-databases.server";

const root = path.resolve(import.meta.dirname, "../..");

/** The SQL that creates the schema described by a profile's schema.prisma from nothing (offline). */
export function schemaSqlFromEmpty(provider: DatabaseProvider): string {
  return prismaDiff(provider, ["--from-empty", "--to-schema-datamodel", schemaPathFor(provider)]);
}

/** The SQL that turns one schema file into another (used to write a new migration). */
export function schemaSqlBetween(provider: DatabaseProvider, fromSchema: string): string {
  return prismaDiff(provider, [
    "--from-schema-datamodel",
    fromSchema,
    "--to-schema-datamodel",
    schemaPathFor(provider),
  ]);
}

function prismaDiff(provider: DatabaseProvider, args: string[]): string {
  const prisma = path.join(root, "node_modules/.bin/prisma");
  return execFileSync(prisma, ["migrate", "diff", ...args, "--script"], {
    cwd: root,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
    // Selects the matching profile in prisma.config.ts. Nothing is read from or written to
    // that database, but the PostgreSQL adapter insists on connecting.
    env: { ...process.env, DATABASE_URL: provider === "sqlite" ? "file:/dev/null" : PG_ADMIN_URL },
  });
}
