/** A segment's backfill progress while one is filling it, or null once it is done (or never ran). */
export function backfillOf(s: {
  backfillStartedAt: Date | null;
  backfillCompletedAt: Date | null;
  backfillEvaluated: number;
  backfillTotal: number;
}) {
  if (!s.backfillStartedAt || s.backfillCompletedAt) return null;
  return { evaluated: s.backfillEvaluated, total: s.backfillTotal };
}
