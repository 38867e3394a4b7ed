import os from "node:os";
import { ratio } from "./stats";

/** One line of the bench's single table: a figure and the baseline it was measured against in the same run. */
export interface BenchRow {
  section: string;
  case: string;
  figure: string;
  baseline: string;
  ratio: string;
}

/** A figure and its baseline, both formatted the same way, with figure/baseline as the ratio. */
export function compared(
  section: string,
  label: string,
  figure: number,
  baseline: number,
  format: (v: number) => string,
): BenchRow {
  return { section, case: label, figure: format(figure), baseline: format(baseline), ratio: ratio(figure / baseline) };
}

/** A figure with no baseline (a count, a check). */
export const plain = (section: string, label: string, figure: string): BenchRow => ({
  section,
  case: label,
  figure,
  baseline: "",
  ratio: "",
});

const HEADERS = ["section", "case", "figure", "baseline", "ratio"] as const;
const cellsOf = (r: BenchRow) => [r.section, r.case, r.figure, r.baseline, r.ratio];
/** Numbers right-aligned, words left-aligned. */
const RIGHT = [false, false, true, true, true];

/** Markdown: pasteable into docs as is. */
export function markdownTable(rows: BenchRow[]): string {
  const line = (cells: string[]) => `| ${cells.map((c) => c.replace(/\|/g, "\\|")).join(" | ")} |`;
  return [
    line([...HEADERS]),
    `|${RIGHT.map((r) => (r ? "---:" : "---")).join("|")}|`,
    ...rows.map((r) => line(cellsOf(r))),
  ].join("\n");
}

/** Aligned columns for a terminal; the section is printed once per group. */
export function plainTable(rows: BenchRow[]): string {
  const cells = rows.map((r, i) =>
    cellsOf(r).map((c, j) => (j === 0 && i > 0 && rows[i - 1]!.section === r.section ? "" : c)),
  );
  const widths = HEADERS.map((h, i) => Math.max(h.length, ...cells.map((r) => r[i]!.length)));
  const line = (r: readonly string[]) =>
    r
      .map((c, i) => (RIGHT[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join("  ")
      .trimEnd();
  return [line(HEADERS), widths.map((w) => "-".repeat(w)).join("  "), ...cells.map(line)].join("\n");
}

/** What the figures were measured on: they mean little without it. */
export function machine(): string {
  const cpu = os.cpus()[0]?.model.trim() ?? "unknown CPU";
  return `${os.availableParallelism()} CPU (${cpu}), ${Math.round(os.totalmem() / 2 ** 30)} GiB, Linux ${os.release()}, node ${process.version}, ${new Date().toISOString()}`;
}
