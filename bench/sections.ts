import type { DatabaseProvider, DatabaseTarget } from "../app/config/database-url";
import type { BenchOptions } from "./options";
import type { BenchRow } from "./table";

/** What a section gets: its own scratch database (DATABASE_URL already points at it) and the sizes. */
export interface BenchContext {
  target: DatabaseTarget;
  options: BenchOptions;
  /** "SQLite" / "PostgreSQL", for the section column. */
  database: string;
}

export interface BenchSection {
  name: string;
  /** The databases the section means something on. */
  databases: DatabaseProvider[];
  run(ctx: BenchContext): Promise<BenchRow[]>;
}

/**
 * Every bench section, in table order. Each runs in its own process on its own scratch
 * database (run.ts), so one section's leftovers (queued jobs, a million customers, a warm
 * JIT) never weigh on another's figures. Imports are lazy: the app modules read
 * DATABASE_URL when first imported, and it is set only once the scratch database exists.
 * A new section is one entry here and one file exporting `run(ctx)`.
 */
export const SECTIONS: BenchSection[] = [
  {
    name: "ingestion",
    databases: ["sqlite", "postgresql"],
    run: async (ctx) => (await import("./ingestion")).benchIngestion(ctx),
  },
  {
    name: "segments",
    databases: ["sqlite", "postgresql"],
    run: async (ctx) => (await import("./segments")).benchSegments(ctx),
  },
  // Worker processes share sends only through pg-boss: the embedded table queue on SQLite is one worker's.
  { name: "dispatch", databases: ["postgresql"], run: async (ctx) => (await import("./dispatch")).benchDispatch(ctx) },
  { name: "admin", databases: ["sqlite", "postgresql"], run: async (ctx) => (await import("./admin")).benchAdmin(ctx) },
  { name: "sync", databases: ["sqlite", "postgresql"], run: async (ctx) => (await import("./sync")).benchSync(ctx) },
];
