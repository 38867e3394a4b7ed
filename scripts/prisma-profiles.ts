// Derives the PostgreSQL schema from the canonical SQLite one (prisma/schema.prisma).
// `tsx scripts/prisma-profiles.ts` writes it; `--check` fails when the committed copy differs.
import { readFileSync, writeFileSync, mkdirSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";

const root = path.resolve(import.meta.dirname, "..");
const source = path.join(root, "prisma/schema.prisma");
const target = path.join(root, "prisma/postgresql/schema.prisma");

export function postgresSchemaFrom(sqliteSchema: string): string {
  const replaced = sqliteSchema
    .replace(/^(\s*provider\s*=\s*)"sqlite"/m, '$1"postgresql"')
    .replace(/^(\s*url\s*=\s*)"file:[^"]*"/m, '$1env("DATABASE_URL")')
    .replace(/^(\s*output\s*=\s*)"\.\.\/app\/generated\/sqlite"/m, '$1"../../app/generated/postgresql"');
  const header =
    "// GENERATED from prisma/schema.prisma by scripts/prisma-profiles.ts. Do not edit;\n" +
    "// change the canonical schema and run `npm run db:profiles`.\n";
  return header + replaced;
}

// Run as a script (not when imported for postgresSchemaFrom).
if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) main();

function main() {
  const expected = postgresSchemaFrom(readFileSync(source, "utf8"));
  if (process.argv.includes("--check")) {
    let actual = "";
    try {
      actual = readFileSync(target, "utf8");
    } catch {
      /* missing counts as drift */
    }
    if (actual !== expected) {
      console.error("prisma/postgresql/schema.prisma is out of date: run `npm run db:profiles`.");
      process.exit(1);
    }
    console.log("schema profiles: in sync");
  } else {
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, expected);
    console.log(`wrote ${path.relative(root, target)}`);
  }
}
