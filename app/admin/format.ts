// Numbers and times as the admin pages show them (shared by server and browser code).

export function formatMoney(amount: number, currency: string): string {
  return new Intl.NumberFormat("en", { style: "currency", currency }).format(amount);
}

export function formatPercent(ratio: number | null | undefined, digits = 1): string {
  return ratio == null || !Number.isFinite(ratio) ? "—" : `${(ratio * 100).toFixed(digits)}%`;
}

export function formatCount(n: number): string {
  return new Intl.NumberFormat("en").format(n);
}

/** A date-time in a given IANA zone, e.g. "23 Nov 2026, 09:00 (Asia/Kuala_Lumpur)". */
export function formatDateTime(at: Date | string | null | undefined, timeZone = "UTC", withZone = false): string {
  if (!at) return "—";
  const text = new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeStyle: "short", timeZone }).format(
    new Date(at),
  );
  return withZone ? `${text} (${timeZone})` : text;
}
