import { defineConfig } from "vitest/config";
import { BaseSequencer, type TestSpecification } from "vitest/node";
import base from "./vitest.config";

/**
 * `npm run test:faults`: the fault suite (test/faults/), kept out of `npm test` because it
 * is slow (10k webhooks, child workers killed with SIGKILL, a provider outage, database
 * PostgreSQL restarted). Every line the app logs during the suite, in this process and in the
 * child workers, is captured (test/faults/support/log-capture.ts); the log privacy check
 * runs last and reads all of it.
 */
class LogPrivacyLast extends BaseSequencer {
  override async sort(files: TestSpecification[]) {
    const sorted = await super.sort(files);
    const last = (f: TestSpecification) => (f.moduleId.endsWith("log-privacy.test.ts") ? 1 : 0);
    return sorted.sort((a, b) => last(a) - last(b));
  }
}

// The normal config, with the fault files instead of the normal ones (mergeConfig would
// concatenate the include / exclude lists).
export default defineConfig({
  ...base,
  test: {
    ...base.test,
    include: ["test/faults/**/*.test.ts"],
    exclude: ["**/node_modules/**"],
    globalSetup: ["test/faults/support/log-capture-global.ts", ...[base.test?.globalSetup ?? []].flat()],
    setupFiles: [...[base.test?.setupFiles ?? []].flat(), "test/faults/support/log-capture.ts"],
    sequence: { sequencer: LogPrivacyLast },
    // The sizes (10k webhooks, 5k messages) make minutes; a busy machine makes more.
    testTimeout: 30 * 60_000,
    hookTimeout: 120_000,
  },
});
