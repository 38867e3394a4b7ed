import { randomUUID } from "node:crypto";
import { Prisma } from "../generated/sqlite/client";
import type { SqlRunner } from "./driver.server";
import { isPostgres, pgCast, storedValue, type ValueType } from "./update-rows.server";

/**
 * Raw INSERTs for hot writes (the sync's batch writers). Prisma's createMany spends ~0.6 ms of
 * CPU per row compiling and interpreting the query (measured: 500 customers in 300-1,300 ms on
 * the bench machine), more than the database takes to write them. The rows go as a few bound
 * parameters, not one per value per row: with one bound value per column per row, a
 * 500-customer batch bound ~10,000 values, and binding them (Prisma's argument mapping, the
 * driver's bind, SQLite parsing a 10,000-placeholder statement) cost more than writing the rows
 * (issue 19). On SQLite the rows are one JSON array of value arrays (`json_each(?)`); on
 * PostgreSQL one typed array per column (`unnest($1::text[], $2::integer[], …)`), which the
 * server parses once per value, where `value ->> i` on each row of `json_array_elements`
 * parsed the row's JSON text again for every column: inserting 100,000 customers (21 columns)
 * took the server 5.6 s of CPU from JSON and 2.5 s from arrays (2026-12-03, see BENCHMARKS).
 * Values are converted the way Prisma stores them, so Prisma reads these rows back as its own:
 * on SQLite a DateTime is the text `2026-06-01T12:00:00.000+00:00` (adapter-better-sqlite3's
 * iso8601 format, which date filters compare as text); on PostgreSQL every value is cast to
 * its column's type. Ids are made here (Prisma's cuid() default lives in the client, not the
 * table), as are createdAt / updatedAt (the tables' own defaults are not Prisma's format on SQLite).
 */
export type ColumnType = ValueType;

/** Rows per statement (one bound JSON text, or one array per column, each). */
const ROWS_PER_STATEMENT = 5_000;

export const newRowId = () => `s${randomUUID().replaceAll("-", "")}`;

export async function insertRows({
  sql,
  table,
  columns,
  rows,
}: {
  /** Where the statements run: `prismaRunner(db)`, or a driver transaction's (db/driver.server). */
  sql: SqlRunner;
  table: string;
  columns: Record<string, ColumnType>;
  rows: Record<string, unknown>[];
}): Promise<void> {
  if (!rows.length) return;
  const quoted = Object.keys(columns)
    .map((n) => `"${n}"`)
    .join(", ");
  const head = Prisma.raw(`INSERT INTO "${table}" (${quoted}) SELECT ${quoted} FROM `);
  for (let i = 0; i < rows.length; i += ROWS_PER_STATEMENT)
    await sql.execute(Prisma.sql`${head}${boundRows(columns, rows.slice(i, i + ROWS_PER_STATEMENT))} AS v`);
}

/**
 * Rows as a few bound parameters (above), unpacked by the database into a relation with the
 * columns' names, each value as its column stores it: what insertRows inserts from, and what a
 * batch's set-based UPDATE … FROM can join (give it an alias).
 */
export function boundRows(columns: Record<string, ColumnType>, rows: Record<string, unknown>[]): Prisma.Sql {
  const pg = isPostgres();
  const names = Object.keys(columns);
  const types = names.map((n) => columns[n]!);
  const quoted = names.map((n) => `"${n}"`).join(", ");
  if (pg) {
    const arrays = names.map(
      (n, k) =>
        Prisma.sql`${arrayLiteral(rows.map((row) => storedValue(row[n], types[k]!, pg)))}${Prisma.raw(`${pgCast(types[k]!)}[]`)}`,
    );
    return Prisma.sql`(SELECT * FROM unnest(${Prisma.join(arrays)}) AS r(${Prisma.raw(quoted)}))`;
  }
  const json = JSON.stringify(rows.map((row) => names.map((n, k) => storedValue(row[n], types[k]!, pg))));
  const values = Prisma.raw(names.map((name, i) => `value ->> ${i} AS "${name}"`).join(", "));
  return Prisma.sql`(SELECT ${values} FROM json_each(${json}))`;
}

/**
 * A column's values as PostgreSQL's array literal (`{"a",NULL,"b \\"c\\""}`), the text node-postgres
 * would make of a bound JS array, which its arrayString builds with two regex replaces per
 * element (~0.6 s of a 30k sync's CPU, 2026-12-03); here only a value holding a quote or a
 * backslash is escaped. Every value is quoted, so text such as `NULL` or `a,b` stays text.
 */
function arrayLiteral(values: unknown[]): string {
  let literal = "{";
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    if (i) literal += ",";
    if (value === null) {
      literal += "NULL";
      continue;
    }
    const text = String(value);
    literal += `"${ESCAPED.test(text) ? text.replace(ESCAPED_ALL, "\\$&") : text}"`;
  }
  return literal + "}";
}
const ESCAPED = /["\\]/;
const ESCAPED_ALL = /["\\]/g;

/**
 * `IN (...)` for a long list of values as one bound parameter (a JSON array) instead of one
 * per value: Prisma's `findMany({ where: { x: { in: ids } } })` with 500 ids took ~100 ms of
 * CPU per call on the bench machine, the same lookup raw with this list ~10-20 ms (2026-12-02).
 */
export function inList(values: readonly string[]): Prisma.Sql {
  const json = JSON.stringify(values);
  return isPostgres()
    ? Prisma.sql`(SELECT json_array_elements_text(${json}::json))`
    : Prisma.sql`(SELECT value FROM json_each(${json}))`;
}

/**
 * A short list of bound values (a send batch's ids or numbers): `IN ($1, $2, …)`, planned as
 * Prisma's own lists are (an empty list matches nothing). For hundreds of values, `inList`.
 */
export const valueList = (values: readonly unknown[]) => Prisma.join(values.length ? values : [null]);

/** A timestamp column as a raw query returns it (a Date, or on SQLite possibly its text). */
export function asDate<T extends Date | string | null>(value: T): T extends null ? null : Date;
export function asDate(value: Date | string | null): Date | null {
  return value === null || value instanceof Date ? value : new Date(value);
}
