/** Summary statistics for benchmark samples (milliseconds). */
export function summarize(samples: number[]) {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
  const mean = sorted.reduce((a, b) => a + b, 0) / (sorted.length || 1);
  return { n: sorted.length, mean, p50: at(0.5), p99: at(0.99) };
}

export const ms = (v: number) => `${v.toFixed(v < 10 ? 2 : 1)} ms`;
export const ratio = (v: number) => `${v.toFixed(2)}×`;
export const perSecond = (v: number) => `${v.toLocaleString("en", { maximumFractionDigits: v < 100 ? 1 : 0 })}/s`;

/** Progress goes to stderr: stdout carries only the table. */
export const log = (...parts: unknown[]) => console.error(...parts);
