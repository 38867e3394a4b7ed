import type { Db } from "../db.server";
import { Prisma } from "../generated/sqlite/client";
import { resolveDatabaseTarget } from "../config/database-url";
import { sqlOn } from "./driver.server";

/**
 * One UPDATE for many rows that each get their own values (batch dispatch's claims and
 * results): `WITH v(key, …) AS (VALUES (…), (…)) UPDATE "T" SET … FROM v WHERE "T"."id" =
 * v."key" … RETURNING "id"`, the same text on SQLite (3.33+: UPDATE FROM, CTE column lists,
 * RETURNING) and PostgreSQL. Through Prisma a row each costs a statement, a round trip and
 * ~0.5 ms of CPU compiling and interpreting it; this costs one of each for the lot, run on
 * the driver adapter itself (db/driver.server `sqlOn`: no compiler either).
 *
 * Values are stored the way Prisma stores them, so Prisma reads the rows back as its own
 * (as db/insert-rows does, through typedValue): on SQLite a DateTime is the text `2026-06-01T12:00:00.000+00:00`;
 * on PostgreSQL every value is cast to its column's type. Prisma's client-side `@updatedAt`
 * is the caller's to set.
 */
export type ValueType = "text" | "int" | "float" | "decimal" | "timestamp" | "json" | { enum: string };

const PG_CAST: Record<Exclude<ValueType, { enum: string }>, string> = {
  text: "::text",
  int: "::integer",
  float: "::double precision",
  decimal: "::decimal(65,30)",
  timestamp: "::timestamp(3)",
  json: "::jsonb",
};

/** Values bound per statement (SQLite allows 32,766, PostgreSQL 65,535). */
const MAX_PARAMS = 10_000;

export const isPostgres = () => resolveDatabaseTarget().provider === "postgresql";

/** A column type's PostgreSQL cast (`::text`, `::"SmsConsentState"`). */
export const pgCast = (type: ValueType) => (typeof type === "object" ? `::"${type.enum}"` : PG_CAST[type]);

/** A bound value, converted and (on PostgreSQL) cast as its column stores it. */
export function typedValue(value: unknown, type: ValueType, pg = isPostgres()): Prisma.Sql {
  return Prisma.sql`${storedValue(value, type, pg)}${Prisma.raw(pg ? pgCast(type) : "")}`;
}

/**
 * Updates the rows of `table` whose id is a row's `key`, in statements of up to MAX_PARAMS
 * values; returns the ids updated. `set` and `where` are SQL over the table (by its quoted
 * name) and `v` (the row's values by their names in `columns`).
 */
export async function updateRows(
  db: Db,
  u: {
    table: string;
    columns: Record<string, ValueType>;
    rows: ({ key: string } & Record<string, unknown>)[];
    set: Prisma.Sql;
    where?: Prisma.Sql;
    /**
     * PostgreSQL only: another data-modifying statement run as part of the (last) UPDATE, in
     * its WITH clause, so it commits with it and costs no round trip of its own.
     */
    alongside?: Prisma.Sql;
  },
): Promise<string[]> {
  if (!u.rows.length) return [];
  const pg = isPostgres();
  const names = ["key", ...Object.keys(u.columns)];
  const types: Record<string, ValueType> = { key: "text", ...u.columns };
  const head = Prisma.raw(`WITH v(${names.map((n) => `"${n}"`).join(", ")}) AS (VALUES `);
  const table = Prisma.raw(`"${u.table}"`);
  const where = u.where ? Prisma.sql` AND ${u.where}` : Prisma.empty;
  const perStatement = Math.max(1, Math.floor(MAX_PARAMS / names.length));
  if (u.alongside && !pg) throw new Error("updateRows: `alongside` needs PostgreSQL (SQLite has no UPDATE in WITH)");
  const updated: string[] = [];
  for (let i = 0; i < u.rows.length; i += perStatement) {
    const tuples = u.rows
      .slice(i, i + perStatement)
      .map((row) => Prisma.sql`(${Prisma.join(names.map((n) => typedValue(row[n], types[n]!, pg)))})`);
    const last = i + perStatement >= u.rows.length;
    const alongside = u.alongside && last ? Prisma.sql`, "alongside" AS (${u.alongside})` : Prisma.empty;
    const rows = await sqlOn(db).query<{
      id: string;
    }>(Prisma.sql`${head}${Prisma.join(tuples)})${alongside} UPDATE ${table} SET ${u.set}
      FROM v WHERE ${table}."id" = v."key"${where} RETURNING ${table}."id"`);
    updated.push(...rows.map((r) => r.id));
  }
  return updated;
}

/** A value converted the way Prisma stores it in a column of this type (before any cast). */
export function storedValue(value: unknown, type: ValueType, pg: boolean): unknown {
  if (value === null || value === undefined) return null;
  if (type === "timestamp") {
    const iso = (value instanceof Date ? value : new Date(String(value))).toISOString();
    return pg ? iso : iso.replace("Z", "+00:00");
  }
  if (type === "json") return JSON.stringify(value);
  if (type === "decimal") return String(value);
  return value;
}
