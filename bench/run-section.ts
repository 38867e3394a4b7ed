import { createScratchDatabase } from "../dev/db/test-databases.server";
import { migrate } from "../app/db/migrations.server";
import type { DatabaseProvider } from "../app/config/database-url";
import type { BenchOptions } from "./options";
import { SECTIONS } from "./sections";
import { log } from "./stats";
import type { BenchRow } from "./table";

const DATABASE_NAMES: Record<DatabaseProvider, string> = { sqlite: "SQLite", postgresql: "PostgreSQL" };

/** Runs one section in this process on a scratch database created for it and dropped after. */
export async function runSectionHere(
  name: string,
  provider: DatabaseProvider,
  options: BenchOptions,
): Promise<BenchRow[]> {
  const section = SECTIONS.find((s) => s.name === name);
  if (!section) throw new Error(`no bench section "${name}" (sections: ${SECTIONS.map((s) => s.name).join(", ")})`);
  const scratch = await createScratchDatabase(provider, "bench");
  await migrate(scratch.target);
  // The app modules read these at import time: set them before importing any.
  process.env.DATABASE_URL = scratch.target.url;
  process.env.SHOPIFY_API_KEY ??= "bench-api-key";
  process.env.SHOPIFY_API_SECRET ??= "bench-api-secret";
  process.env.SHOPIFY_APP_URL ??= "https://bench.example";
  log(`${name} on ${provider} (scratch database), node ${process.version}`);
  try {
    return await section.run({ target: scratch.target, options, database: DATABASE_NAMES[provider] });
  } finally {
    // On PostgreSQL the routes enqueue through pg-boss: stop it before its database goes.
    const { queue } = await import("../app/runtime/job-engine.server");
    await queue.stop();
    const { default: db } = await import("../app/db.server");
    await db.$disconnect();
    await scratch.drop();
  }
}
