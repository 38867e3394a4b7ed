import { randomUUID } from "node:crypto";
import type { Db } from "../db.server";
import { Prisma } from "../generated/sqlite/client";
import { isPostgres, typedValue, type ValueType } from "./update-rows.server";

/**
 * Raw INSERTs for hot writes (the sync's batch writers, the webhook inbox). Prisma's createMany spends ~0.6 ms of CPU
 * per row compiling and interpreting the query (measured: 500 customers in 300-1,300 ms on
 * the bench machine), more than the database takes to write them; one parameterised
 * `INSERT ... VALUES (...), (...)` per chunk costs a fraction of that.
 * Values are converted the way Prisma stores them, so Prisma reads these rows back as its own:
 * on SQLite a DateTime is the text `2026-06-01T12:00:00.000+00:00` (adapter-better-sqlite3's
 * iso8601 format, which date filters compare as text); on PostgreSQL every value is cast to
 * its column's type. Ids are made here (Prisma's cuid() default lives in the client, not the
 * table), as are createdAt / updatedAt (the tables' own defaults are not Prisma's format on SQLite).
 */
export type ColumnType = ValueType;

/** Values bound per statement (SQLite allows 32,766, PostgreSQL 65,535). */
const MAX_PARAMS = 10_000;

export const newRowId = () => `s${randomUUID().replaceAll("-", "")}`;

export async function insertRows(
  db: Db,
  table: string,
  columns: Record<string, ColumnType>,
  rows: Record<string, unknown>[],
): Promise<void> {
  if (!rows.length) return;
  const pg = isPostgres();
  const names = Object.keys(columns);
  const head = Prisma.raw(`INSERT INTO "${table}" (${names.map((n) => `"${n}"`).join(", ")}) VALUES `);
  const perStatement = Math.max(1, Math.floor(MAX_PARAMS / names.length));
  for (let i = 0; i < rows.length; i += perStatement) {
    const tuples = rows.slice(i, i + perStatement).map(
      (row) =>
        Prisma.sql`(${Prisma.join(
          names.map((n) => {
            const type = columns[n]!;
            return typedValue(row[n], type, pg);
          }),
        )})`,
    );
    await db.$executeRaw`${head}${Prisma.join(tuples)}`;
  }
}

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

/** A timestamp column as a raw query returns it (a Date, or on SQLite possibly its text). */
export function asDate<T extends Date | string | null>(value: T): T extends null ? null : Date;
export function asDate(value: Date | string | null): Date | null {
  return value === null || value instanceof Date ? value : new Date(value);
}
