import { appendFileSync, createWriteStream, readFileSync } from "node:fs";
import type { Readable } from "node:stream";

/**
 * Everything written to stdout / stderr by this test process (the app's logger writes
 * there) is also appended to FAULT_LOG_FILE, so the log privacy test can read what the
 * whole suite logged. Child workers' output is added with `captureOutput`.
 */
const file = process.env.FAULT_LOG_FILE;
if (file) {
  for (const stream of [process.stdout, process.stderr]) {
    const write = stream.write.bind(stream) as (...args: unknown[]) => boolean;
    stream.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      appendFileSync(file, chunk);
      return write(chunk, ...rest);
    }) as typeof stream.write;
  }
}

/** Adds a child process's output to the suite's captured logs. */
export function captureOutput(...streams: (Readable | null)[]) {
  if (!file) return;
  for (const s of streams) s?.pipe(createWriteStream(file, { flags: "a" }));
}

/** All captured output so far. */
export const capturedLogs = () => (file ? readFileSync(file, "utf8") : "");
