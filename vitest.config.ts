import { defineConfig } from "vitest/config";
import tsconfigPaths from "vite-tsconfig-paths";

// TEST_DATABASE=sqlite (default) or postgresql selects the profile; test/global-setup.ts
// creates a fresh database for the run, migrates it, and drops it afterwards.
export default defineConfig({
  plugins: [tsconfigPaths()],
  test: {
    // Extensions keep their tests beside their code (their own tsconfig: Preact JSX).
    include: ["test/**/*.test.ts", "extensions/*/src/**/*.test.{ts,tsx}"],
    // The fault suite is slow (minutes): `npm run test:faults` (vitest.faults.config.ts).
    exclude: ["**/node_modules/**", "test/faults/**"],
    globalSetup: ["test/global-setup.ts"],
    setupFiles: ["test/setup-env.ts"],
    // One database per run, shared by files that each use their own shops; files run
    // one after another so SQLite never sees two writer processes.
    fileParallelism: false,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: ["default"],
  },
});
