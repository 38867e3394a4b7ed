// `npm run bench` — one table: every figure next to a baseline measured in the same run.
// Options: bench/options.ts (USAGE, or `npm run bench -- --help`). Benchmarks, not timed
// tests: they are not part of `npm test`.
import { spawn } from "node:child_process";
import { mkdirSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { DatabaseProvider } from "../app/config/database-url";
import { cpuProfileFlags, formatSummary, profilesIn, summariseProfile } from "./profile";
import { optionsAsArgs, parseBenchArgs, USAGE, type BenchOptions } from "./options";
import { SECTIONS } from "./sections";
import { log } from "./stats";
import { machine, markdownTable, plain, plainTable, type BenchRow } from "./table";

const args = parseBenchArgs(process.argv.slice(2));
if (args.help) {
  console.log(USAGE);
} else if (args.section) {
  const { runSectionHere } = await import("./run-section");
  const rows = await runSectionHere(args.section, args.databases[0]!, args.options);
  // Rows go back over IPC: the app's libraries log to stdout.
  await new Promise<void>((resolve, reject) =>
    process.send!(rows, (error: Error | null) => (error ? reject(error) : resolve())),
  );
  process.disconnect();
} else {
  const unknown = args.only?.filter((name) => !SECTIONS.some((s) => s.name === name)) ?? [];
  if (unknown.length)
    throw new Error(
      `unknown section ${unknown.join(", ")} (sections: ${SECTIONS.map((s) => s.name).join(", ")})\n${USAGE}`,
    );
  const started = performance.now();
  // --profile: one folder per run, one sub-folder per section process (and its workers).
  const profileRoot = args.profile
    ? path.resolve("test-output/profiles", new Date().toISOString().replace(/[:.]/g, "-"))
    : null;
  // Other processes on the machine weigh on every figure (less on the ratios): say how busy it was.
  const loadAtStart = os.loadavg()[0]!;
  const rows: BenchRow[] = [];
  for (const database of args.databases) {
    for (const section of SECTIONS.filter(
      (s) => s.databases.includes(database) && (!args.only || args.only.includes(s.name)),
    )) {
      const profileDir = profileRoot ? path.join(profileRoot, `${section.name}-${database}`) : null;
      if (profileDir) mkdirSync(profileDir, { recursive: true });
      rows.push(...(await runSectionInChild(section.name, database, args.options, profileDir)));
    }
  }
  const took = `${((performance.now() - started) / 60_000).toFixed(1)} min`;
  const load = `load average ${loadAtStart.toFixed(1)} at the start, ${os.loadavg()[0]!.toFixed(1)} at the end`;
  console.log(`\nnpm run bench${args.quick ? " (--quick)" : ""} on ${machine()}; took ${took}; ${load}\n`);
  console.log(args.markdown ? markdownTable(rows) : plainTable(rows));
  if (profileRoot) {
    console.log(`\nCPU profiles (open the .cpuprofile files in Chrome DevTools or speedscope): ${profileRoot}`);
    for (const file of profilesIn(profileRoot)) console.log(formatSummary(summariseProfile(file), profileRoot));
  }
}

/** One section on one database in a fresh process: its own scratch database and event loop. */
async function runSectionInChild(
  section: string,
  database: DatabaseProvider,
  options: BenchOptions,
  profileDir: string | null,
): Promise<BenchRow[]> {
  log(`\n== ${section} on ${database}`);
  const child = spawn(
    process.execPath,
    [
      ...process.execArgv,
      ...(profileDir ? cpuProfileFlags(profileDir, "section") : []),
      fileURLToPath(import.meta.url),
      "--section",
      section,
      "--database",
      database,
      ...optionsAsArgs(options),
    ],
    {
      // Its output is progress (stderr here, so stdout stays the table); its rows come over IPC.
      stdio: ["ignore", 2, 2, "ipc"],
      // Worker processes the section starts profile themselves into the same folder.
      env: profileDir ? { ...process.env, BENCH_PROFILE_DIR: profileDir } : process.env,
    },
  );
  let rows: BenchRow[] | null = null;
  child.on("message", (message) => (rows = message as BenchRow[]));
  const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
  if (code === 0 && rows) return rows;
  // One failed section still leaves the others' figures: say so in the table.
  return [plain(section, `on ${database}`, `failed (exit ${code}), see the log above`)];
}
