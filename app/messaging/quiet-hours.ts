import { MINUTE } from "../clock";

/** An allowed sending window in local time, minutes after midnight: [start, end). */
export interface Window {
  start: number;
  end: number;
}

/**
 * Country rules that are stricter than a shop may configure. US: 8:00–21:00 recipient
 * time for marketing (TCPA; some states are stricter still, so shops default to 9–20).
 */
export const COUNTRY_WINDOWS: Record<string, Window> = {
  US: { start: 8 * 60, end: 21 * 60 },
};

/** The shop setting stores quiet hours (start = when quiet begins); the window is the rest. */
export const windowFromQuietHours = (quietStartMinute: number, quietEndMinute: number): Window => ({
  start: quietEndMinute,
  end: quietStartMinute,
});

/** The windows a marketing text to a recipient in `countryCode` must fall in: the shop's, and the country's rule if any. */
export function sendingWindows(
  settings: { quietHoursStartMinute: number; quietHoursEndMinute: number },
  countryCode: string | null | undefined,
): Window[] {
  const country = countryCode ? COUNTRY_WINDOWS[countryCode] : undefined;
  return [
    windowFromQuietHours(settings.quietHoursStartMinute, settings.quietHoursEndMinute),
    ...(country ? [country] : []),
  ];
}

/** Local minutes after midnight of an instant in a time zone. */
export function localMinutes(at: Date, timeZone: string): number {
  const parts = new Intl.DateTimeFormat("en-GB", {
    timeZone,
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  }).formatToParts(at);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  return get("hour") * 60 + get("minute");
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
