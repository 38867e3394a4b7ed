// Prisma CLI configuration. Prisma 6.19 runs offline here through its JavaScript/Wasm
// engines and a driver adapter (see ../shared/TOOLCHAIN.md); the profile (SQLite or
// PostgreSQL) follows DATABASE_URL exactly as the app does.
import path from "node:path";
import { defineConfig } from "prisma/config";
import { resolveDatabaseTarget, schemaPathFor } from "./app/config/database-url";
import { createAdapter } from "./app/config/database-adapter";

const target = resolveDatabaseTarget();

export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: schemaPathFor(target.provider),
  migrations: { path: path.join(path.dirname(schemaPathFor(target.provider)), "migrations") },
  adapter: async () => createAdapter(target),
});
