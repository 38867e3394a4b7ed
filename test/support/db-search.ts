import db from "../../app/db.server";

/** One place a needle was found: `schema.table.column` and the value (cut to 120 characters). */
export interface Finding {
  where: string;
  needle: string;
  value: string;
}

/**
 * Searches EVERY column of EVERY table of the test database for each needle (case-insensitive
 * substring, every value cast to text), enumerating tables and columns from the database's own
 * catalog: sqlite_master and PRAGMA table_info on SQLite; information_schema on PostgreSQL,
 * every schema but the system ones (the app's and pg-boss's). A table added tomorrow is
 * searched without changing this file.
 */
export async function searchEverywhere(provider: "sqlite" | "postgresql", needles: string[]): Promise<Finding[]> {
  const columns = provider === "sqlite" ? await sqliteColumns() : await postgresColumns();
  const findings: Finding[] = [];
  const patterns = needles.map((n) => `%${escapeLike(n)}%`);
  for (const { table, column } of columns) {
    // One query per column, every needle at once; which needle matched is sorted out below.
    const text = provider === "sqlite" ? `CAST(${column} AS TEXT)` : `${column}::text`;
    const like = provider === "sqlite" ? "LIKE" : "ILIKE";
    const param = (i: number) => (provider === "sqlite" ? "?" : `$${i + 1}`);
    const where = patterns.map((_, i) => `${text} ${like} ${param(i)} ESCAPE '\\'`).join(" OR ");
    const rows = await db.$queryRawUnsafe<{ v: string }[]>(
      `SELECT ${text} AS v FROM ${table} WHERE ${where} LIMIT 5`,
      ...patterns,
    );
    for (const r of rows) {
      const value = String(r.v);
      for (const needle of needles.filter((n) => value.toLowerCase().includes(n.toLowerCase())))
        findings.push({ where: `${table}.${column}`, needle, value: value.slice(0, 120) });
    }
  }
  return findings;
}

/** How many tables and columns the search covers (so a test can say it searched something). */
export async function catalogSize(provider: "sqlite" | "postgresql") {
  const columns = provider === "sqlite" ? await sqliteColumns() : await postgresColumns();
  return { tables: new Set(columns.map((c) => c.table)).size, columns: columns.length };
}

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;
const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

async function sqliteColumns() {
  const tables = await db.$queryRawUnsafe<{ name: string }[]>(
    `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`,
  );
  const out: { table: string; column: string }[] = [];
  for (const { name } of tables) {
    const cols = await db.$queryRawUnsafe<{ name: string }[]>(`PRAGMA table_info(${quote(name)})`);
    for (const c of cols) out.push({ table: quote(name), column: quote(c.name) });
  }
  return out;
}

async function postgresColumns() {
  const rows = await db.$queryRawUnsafe<{ table_schema: string; table_name: string; column_name: string }[]>(
    `SELECT c.table_schema::text AS table_schema, c.table_name::text AS table_name, c.column_name::text AS column_name
       FROM information_schema.columns c
       JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
      WHERE t.table_type = 'BASE TABLE'
        AND c.table_schema NOT IN ('pg_catalog', 'information_schema')
        AND c.table_schema NOT LIKE 'pg_toast%'`,
  );
  return rows.map((r) => ({ table: `${quote(r.table_schema)}.${quote(r.table_name)}`, column: quote(r.column_name) }));
}
