import type { TestProject } from "vitest/node";
import type { DatabaseProvider } from "../app/config/database-url";
import { migrate } from "../app/db/migrations.server";
import { createScratchDatabase, type ScratchDatabase } from "../dev/db/test-databases.server";

// One fresh, migrated database per test run: SQLite by default, PostgreSQL with
// TEST_DATABASE=postgresql. Dropped when the run ends.
let scratch: ScratchDatabase | undefined;

export async function setup(project: TestProject) {
  const provider = (process.env.TEST_DATABASE ?? "sqlite") as DatabaseProvider;
  if (provider !== "sqlite" && provider !== "postgresql") {
    throw new Error(`TEST_DATABASE must be sqlite or postgresql, got ${provider}`);
  }
  scratch = await createScratchDatabase(provider, "test");
  await migrate(scratch.target);
  process.env.DATABASE_URL = scratch.target.url;
  project.provide("databaseProvider", provider);
  console.log(`[tests] database: ${provider} (fresh, migrated)`);
}

export async function teardown() {
  await scratch?.drop();
}

declare module "vitest" {
  export interface ProvidedContext {
    databaseProvider: DatabaseProvider;
  }
}
