import type { SqlDriver } from "../../app/db/sql-driver.server";

/**
 * A normalised description of what a database's schema actually is (tables, columns,
 * types, defaults, indexes, constraints, enums), used to prove that applying the
 * committed migrations gives exactly the schema that prisma/schema.prisma describes.
 */
export async function describeCatalog(sql: SqlDriver): Promise<string[]> {
  return sql.provider === "sqlite" ? describeSqlite(sql) : describePostgres(sql);
}

async function describeSqlite(sql: SqlDriver): Promise<string[]> {
  const lines: string[] = [];
  const tables = await sql.query<{ name: string }>(
    `SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' AND name <> '_prisma_migrations'`,
  );
  for (const { name } of tables) {
    for (const c of await sql.query<Record<string, unknown>>(`PRAGMA table_info("${name}")`)) {
      lines.push(`column ${name}.${c.name} ${c.type} notnull=${c.notnull} default=${c.dflt_value} pk=${c.pk}`);
    }
    for (const fk of await sql.query<Record<string, unknown>>(`PRAGMA foreign_key_list("${name}")`)) {
      lines.push(`fk ${name}.${fk.from} -> ${fk.table}.${fk.to} update=${fk.on_update} delete=${fk.on_delete}`);
    }
    for (const ix of await sql.query<{ name: string; unique: number }>(`PRAGMA index_list("${name}")`)) {
      const cols = await sql.query<{ name: string }>(`PRAGMA index_info("${ix.name}")`);
      lines.push(`index ${name}.${ix.name} unique=${ix.unique} (${cols.map((c) => c.name).join(",")})`);
    }
  }
  return lines.sort();
}

async function describePostgres(sql: SqlDriver): Promise<string[]> {
  const lines: string[] = [];
  const columns = await sql.query<Record<string, string>>(
    `SELECT table_name, column_name, data_type, udt_name, is_nullable, column_default, numeric_precision, numeric_scale
       FROM information_schema.columns WHERE table_schema = current_schema() AND table_name <> '_prisma_migrations'`,
  );
  for (const c of columns) {
    lines.push(
      `column ${c.table_name}.${c.column_name} ${c.data_type}/${c.udt_name}(${c.numeric_precision},${c.numeric_scale}) nullable=${c.is_nullable} default=${c.column_default}`,
    );
  }
  const indexes = await sql.query<Record<string, string>>(
    `SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() AND tablename <> '_prisma_migrations'`,
  );
  for (const i of indexes) lines.push(`index ${i.tablename}.${i.indexname} ${i.indexdef}`);
  const constraints = await sql.query<Record<string, string>>(
    `SELECT c.conrelid::regclass::text AS tbl, c.conname, pg_get_constraintdef(c.oid) AS def
       FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace
      WHERE n.nspname = current_schema() AND c.conrelid::regclass::text <> '"_prisma_migrations"'`,
  );
  for (const c of constraints) lines.push(`constraint ${c.tbl}.${c.conname} ${c.def}`);
  const enums = await sql.query<Record<string, string>>(
    `SELECT t.typname, e.enumlabel, e.enumsortorder FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid
       JOIN pg_namespace n ON n.oid = t.typnamespace WHERE n.nspname = current_schema()`,
  );
  for (const e of enums) lines.push(`enum ${e.typname} ${e.enumsortorder}:${e.enumlabel}`);
  return lines.filter((l) => !l.includes("_prisma_migrations")).sort();
}

export function diffCatalogs(expected: string[], actual: string[]): string[] {
  const a = new Set(actual);
  const e = new Set(expected);
  return [
    ...expected.filter((l) => !a.has(l)).map((l) => `missing after migrations: ${l}`),
    ...actual.filter((l) => !e.has(l)).map((l) => `not in schema.prisma:      ${l}`),
  ];
}
