// The app's folder-level import graph: `npm run import-graph` prints it as a Mermaid diagram (for
// docs/ARCHITECTURE.md) and lists every cycle between folders with the files that make it. A folder
// that imports another which imports it back is an upward arrow: one of the two is in the wrong room.
// `--check` (run by .ci/run and `npm run validate`) fails when there is one.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, normalize, relative, sep } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

/** folder → folder it imports → the importing files. Top-level files (app/clock.ts) are their own node. */
export type FolderGraph = Map<string, Map<string, string[]>>;

const IMPORT = /(?:from|import)\s*\(?\s*"(\.{1,2}\/[^"]+)"/g;
const IGNORED = new Set(["generated"]);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return IGNORED.has(name) ? [] : sourceFiles(path);
    return /\.tsx?$/.test(name) ? [path] : [];
  });
}

/** app/commerce/x.server.ts → "commerce"; app/clock.ts → "clock". */
function nodeOf(appDir: string, path: string): string | null {
  const parts = relative(appDir, path).split(sep);
  if (parts[0] === "..") return null;
  return parts.length > 1 ? parts[0]! : parts[0]!.replace(/\..*$/, "");
}

export function folderGraph(appDir: string): FolderGraph {
  const graph: FolderGraph = new Map();
  for (const file of sourceFiles(appDir)) {
    const from = nodeOf(appDir, file)!;
    for (const [, spec] of readFileSync(file, "utf8").matchAll(IMPORT)) {
      const to = nodeOf(appDir, normalize(join(dirname(file), spec!)));
      if (!to || to === from) continue;
      const targets = graph.get(from) ?? new Map<string, string[]>();
      graph.set(from, targets);
      targets.set(to, [...new Set([...(targets.get(to) ?? []), relative(appDir, file)])]);
    }
  }
  return graph;
}

/** The strongly connected groups of more than one node (Tarjan): each is a knot of folders importing each other. */
export function cycles(graph: FolderGraph): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const groups: string[][] = [];
  const visit = (v: string) => {
    index.set(v, index.size);
    low.set(v, index.get(v)!);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v)?.keys() ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const group: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        group.push(w);
      } while (w !== v);
      if (group.length > 1) groups.push(group.sort());
    }
  };
  const nodes = new Set([...graph.keys(), ...[...graph.values()].flatMap((t) => [...t.keys()])]);
  for (const v of [...nodes].sort()) if (!index.has(v)) visit(v);
  return groups;
}

/** The edges inside the knots, as "from → to" with the files that make them. */
export function knotEdges(graph: FolderGraph): { from: string; to: string; files: string[] }[] {
  return cycles(graph).flatMap((group) =>
    group.flatMap((from) =>
      group.filter((to) => graph.get(from)?.has(to)).map((to) => ({ from, to, files: graph.get(from)!.get(to)! })),
    ),
  );
}

export function mermaid(graph: FolderGraph): string {
  const inKnot = new Set(knotEdges(graph).map((e) => `${e.from}|${e.to}`));
  const lines = ["flowchart TD"];
  for (const [from, targets] of [...graph].sort(([a], [b]) => a.localeCompare(b)))
    for (const to of [...targets.keys()].sort())
      lines.push(
        `  ${from.replace(/-/g, "_")} ${inKnot.has(`${from}|${to}`) ? "-.->" : "-->"} ${to.replace(/-/g, "_")}`,
      );
  return lines.join("\n");
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const appDir = join(dirname(fileURLToPath(import.meta.url)), "..", "app");
  const graph = folderGraph(appDir);
  // --check (CI): print only the verdict, and fail when a cycle is back.
  const check = process.argv.includes("--check");
  if (!check) console.log("```mermaid\n" + mermaid(graph) + "\n```");
  const knots = knotEdges(graph);
  console.log(knots.length ? "\nEdges inside import cycles (dotted above):" : "\nNo import cycles between folders.");
  for (const e of knots) console.log(`  ${e.from} → ${e.to}: ${e.files.join(", ")}`);
  if (check && knots.length) process.exitCode = 1;
}
