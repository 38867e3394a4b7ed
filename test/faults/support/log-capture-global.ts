import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";

// One file per fault-suite run that collects every log line (see log-capture.ts); its path
// reaches the test processes and the child workers through FAULT_LOG_FILE.
let dir: string | undefined;

export function setup() {
  dir = mkdtempSync(path.join(os.tmpdir(), "faults-logs-"));
  process.env.FAULT_LOG_FILE = path.join(dir, "logs.jsonl");
  writeFileSync(process.env.FAULT_LOG_FILE, "");
}

export function teardown() {
  // FAULT_KEEP_LOGS=1 keeps them for a post-mortem.
  if (process.env.FAULT_KEEP_LOGS) console.log(`[faults] logs kept in ${process.env.FAULT_LOG_FILE}`);
  else if (dir) rmSync(dir, { recursive: true, force: true });
}
