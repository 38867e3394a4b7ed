import { MINUTE } from "../clock";

/** An allowed sending window in local time, minutes after midnight: [start, end). */
export interface Window {
  start: number;
  end: number;
}

/**
 * One formatter per zone for the process: building an Intl.DateTimeFormat costs far more than
 * using one (the dispatch profile showed this function at ~0.4 ms per text when each call built its own).
 * Each zone also keeps its last answer: a send batch asks about one instant (its `now`) for
 * every text, and formatToParts was still the top frame of the quiet-hours gate (issue 16).
 */
const zones = new Map<string, { format: Intl.DateTimeFormat; lastMs: number; lastMinutes: number }>();
const zoneFor = (timeZone: string) => {
  let zone = zones.get(timeZone);
  if (!zone) {
    const format = new Intl.DateTimeFormat("en-GB", { timeZone, hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
    zone = { format, lastMs: NaN, lastMinutes: 0 };
    zones.set(timeZone, zone);
  }
  return zone;
};

/** Local minutes after midnight of an instant in a time zone. */
export function localMinutes(at: Date, timeZone: string): number {
  const zone = zoneFor(timeZone);
  const ms = at.getTime();
  if (ms === zone.lastMs) return zone.lastMinutes;
  const parts = zone.format.formatToParts(at);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  zone.lastMs = ms;
  zone.lastMinutes = get("hour") * 60 + get("minute");
  return zone.lastMinutes;
}

const inWindow = (m: number, w: Window) => (w.start <= w.end ? m >= w.start && m < w.end : m >= w.start || m < w.end);

/** Both windows at once (shop setting ∩ country rule), as the list of windows to satisfy. */
export function isAllowed(at: Date, timeZone: string, windows: Window[]): boolean {
  const m = localMinutes(at, timeZone);
  return windows.every((w) => inWindow(m, w));
}

/**
 * The first minute at or after `at` when every window allows sending in `timeZone`.
 * Steps to the next window start rather than minute by minute, and re-checks after each
 * step so DST changes (a local day of 23 or 25 hours) land on the right instant.
 */
export function nextAllowed(at: Date, timeZone: string, windows: Window[]): Date {
  let t = new Date(Math.ceil(at.getTime() / MINUTE) * MINUTE);
  if (isAllowed(at, timeZone, windows)) return at;
  for (let i = 0; i < 8; i++) {
    if (isAllowed(t, timeZone, windows)) return t;
    const m = localMinutes(t, timeZone);
    // Jump to the latest start among windows we are outside of.
    const waits = windows.filter((w) => !inWindow(m, w)).map((w) => (w.start - m + 1440) % 1440 || 1440);
    t = new Date(t.getTime() + Math.max(...waits) * MINUTE);
  }
  // The windows never overlap (misconfiguration): fall back to a day later rather than never.
  return new Date(at.getTime() + 24 * 60 * MINUTE);
}

/** Allowed in every candidate zone (the recipient's zone is not known for certain). */
export const isAllowedInAll = (at: Date, zones: readonly string[], windows: Window[]) =>
  zones.every((z) => isAllowed(at, z, windows));

/**
 * The first instant at or after `at` allowed in every candidate zone: each zone's next
 * opening in turn until one instant suits them all. Candidate zones spread over more hours
 * than the window is long have no such instant within a few days: null (the caller refuses).
 */
export function nextAllowedInAll(at: Date, zones: readonly string[], windows: Window[]): Date | null {
  let t = at;
  for (let round = 0; round < 4 * zones.length + 4; round++) {
    const blocked = zones.find((z) => !isAllowed(t, z, windows));
    if (!blocked) return t;
    const next = nextAllowed(t, blocked, windows);
    // Already open there but closed elsewhere later the same day: step past this opening.
    t = next.getTime() > t.getTime() ? next : new Date(t.getTime() + MINUTE);
    if (t.getTime() - at.getTime() > 3 * 24 * 60 * MINUTE) return null;
  }
  return null;
}
