import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";

/**
 * `npm run bench -- --profile`: every section process (and every worker the dispatch section
 * starts) runs with V8's sampling profiler (`--cpu-prof`); its `.cpuprofile` lands in
 * `test-output/profiles/<run>/<section>-<database>/` (open it in Chrome DevTools or
 * speedscope). After the table this prints, per process, the frames that held the CPU
 * longest (self time) and the same time grouped by where the code lives (an app folder or a
 * package), so the floor and what stands above it can be read without guessing.
 */

interface CpuProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface CpuProfile {
  nodes: CpuProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileSummary {
  file: string;
  totalMs: number;
  /** Share of sampled time not spent idle (waiting on I/O, timers). */
  busyShare: number;
  topFrames: { frame: string; ms: number; share: number }[];
  byPlace: { place: string; ms: number; share: number }[];
}

const IDLE = new Set(["(idle)", "(program)", "(garbage collector)"]);

/** Where a frame's code lives: `app/messaging`, `pg-boss`, `node:internal`, `(gc)`... */
export function placeOf(url: string, functionName: string): string {
  if (functionName === "(garbage collector)") return "(gc)";
  if (!url) return functionName.startsWith("(") ? functionName : "(native)";
  const pkg = url.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/);
  if (pkg) return pkg[1]!;
  if (url.startsWith("node:")) return "node:" + url.slice(5).split("/")[0];
  const app = url.match(/\/(app|bench|scripts|test)\/([^/]+)\//);
  if (app) return `${app[1]}/${app[2]}`;
  return path.basename(url);
}

export function summariseProfile(file: string, top = 10): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, "utf8")) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const frames = new Map<string, number>();
  const places = new Map<string, number>();
  let total = 0;
  let idle = 0;
  for (const [id, us] of selfUs) {
    const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
    total += us;
    if (functionName === "(idle)") idle += us;
    if (IDLE.has(functionName) && functionName !== "(garbage collector)") continue;
    const where = url
      ? `${url.replace(/^file:\/\//, "").replace(/^.*?\/(app|bench|scripts|test|node_modules)\//, "$1/")}:${lineNumber + 1}`
      : "";
    const frame = `${functionName || "(anonymous)"}${where ? ` ${where}` : ""}`;
    frames.set(frame, (frames.get(frame) ?? 0) + us);
    const place = placeOf(url, functionName);
    places.set(place, (places.get(place) ?? 0) + us);
  }
  const busy = total - idle;
  const ranked = (m: Map<string, number>) =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([k, us]) => ({ ms: us / 1000, share: busy ? us / busy : 0, key: k }));
  return {
    file,
    totalMs: total / 1000,
    busyShare: total ? busy / total : 0,
    topFrames: ranked(frames).map(({ key, ms, share }) => ({ frame: key, ms, share })),
    byPlace: ranked(places).map(({ key, ms, share }) => ({ place: key, ms, share })),
  };
}

/** Every `.cpuprofile` below `dir`, newest layout first. */
export function profilesIn(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = path.join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (name.endsWith(".cpuprofile")) out.push(p);
    }
  };
  walk(dir);
  return out.sort();
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

export function formatSummary(s: ProfileSummary, root: string): string {
  const lines = [
    `\n${path.relative(root, s.file)}: ${(s.totalMs / 1000).toFixed(1)} s sampled, ${pct(s.busyShare)} on the CPU`,
    "  by place (self time, share of CPU time):",
    ...s.byPlace.map((p) => `    ${pct(p.share).padStart(6)}  ${p.ms.toFixed(0).padStart(7)} ms  ${p.place}`),
    "  top frames:",
    ...s.topFrames.map((f) => `    ${pct(f.share).padStart(6)}  ${f.ms.toFixed(0).padStart(7)} ms  ${f.frame}`),
  ];
  return lines.join("\n");
}

/** Node flags that make a process write its CPU profile into `dir` when it exits. */
export const cpuProfileFlags = (dir: string, name?: string) => [
  "--cpu-prof",
  `--cpu-prof-dir=${dir}`,
  ...(name ? [`--cpu-prof-name=${name}.cpuprofile`] : []),
];
