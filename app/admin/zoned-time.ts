/**
 * Wall-clock times in a shop's time zone ↔ instants. A merchant in Kuala Lumpur who
 * schedules "09:00" means 09:00 there, whatever zone the server or browser runs in.
 * Shared by server and browser code (Intl only).
 */
const LOCAL = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2}))?$/;

/** "2026-11-24T09:00" (or a date "2026-11-24", meaning its midnight) in `timeZone` → the UTC instant; null if malformed. */
export function zonedLocalToUtc(local: string, timeZone: string): Date | null {
  const m = LOCAL.exec(local.trim());
  if (!m) return null;
  const [y, mo, d, h = "0", mi = "0"] = m.slice(1).map((p) => p ?? undefined) as string[];
  const wall = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi));
  if (Number.isNaN(wall) || new Date(wall).getUTCDate() !== Number(d)) return null;
  // The zone's offset at the guess, then again at the corrected instant: right across DST changes.
  const first = wall - offsetAt(wall, timeZone);
  return new Date(wall - offsetAt(first, timeZone));
}

/** An instant as "YYYY-MM-DDTHH:MM" wall-clock time in `timeZone` (the value of a datetime-local input). */
export function utcToZonedLocal(at: Date, timeZone: string): string {
  const p = parts(at.getTime(), timeZone);
  const two = (n: number) => String(n).padStart(2, "0");
  return `${p.year}-${two(p.month)}-${two(p.day)}T${two(p.hour)}:${two(p.minute)}`;
}

/** "09:00" in `timeZone`. */
export function zonedClockTime(at: Date, timeZone: string): string {
  return utcToZonedLocal(at, timeZone).slice(11);
}

function offsetAt(ms: number, timeZone: string): number {
  const p = parts(ms, timeZone);
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute);
  return asUtc - Math.floor(ms / 60_000) * 60_000;
}

function parts(ms: number, timeZone: string) {
  const fields = new Intl.DateTimeFormat("en-US", {
    timeZone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  }).formatToParts(new Date(ms));
  const get = (type: string) => Number(fields.find((f) => f.type === type)?.value);
  return { year: get("year"), month: get("month"), day: get("day"), hour: get("hour"), minute: get("minute") };
}
