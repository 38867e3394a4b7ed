import type { Window } from "./quiet-hours";
import type { Jurisdiction } from "../contacts/jurisdiction";

/**
 * The sending rules the law sets, as data: which jurisdiction, what it allows, where it comes
 * from and since when. Applied at send time on top of the merchant's settings (the stricter
 * wins, so a looser setting is clamped); the Settings page and docs/COMPLIANCE.md list them.
 * Windows and caps bind marketing texts only (see `bindsPurpose`).
 */
export interface SendingRule {
  id: string;
  country: string;
  state?: string;
  /** Marketing texts only inside this recipient-local window. */
  window?: Window;
  /** At most `count` marketing texts per `hours` to one recipient. */
  cap?: { count: number; hours: number };
  /** Marketing texts start with this. */
  prefix?: string;
  summary: string;
  source: string;
  /** Only where the published text was checked; the citation stands on its own otherwise. */
  url?: string;
  /** When the rule took effect (ISO date), or why there is none. */
  effective: string;
}

const h = (hour: number) => hour * 60;

/** 08:00–20:00 and at most 3 in 24 h, the state presumed from the area code. */
function miniTcpa(r: { state: string; name: string; source: string; url?: string; effective: string }): SendingRule {
  const article = /^[AEIOU]/.test(r.name) ? "an" : "a";
  return {
    id: `US-${r.state}`,
    country: "US",
    state: r.state,
    window: { start: h(8), end: h(20) },
    cap: { count: 3, hours: 24 },
    summary: `Marketing texts only 08:00–20:00 local, at most 3 in 24 hours; ${article} ${r.name} area code is presumed to be in ${r.name}.`,
    source: r.source,
    ...(r.url ? { url: r.url } : {}),
    effective: r.effective,
  };
}

export const SENDING_RULES: readonly SendingRule[] = [
  {
    id: "US",
    country: "US",
    window: { start: h(8), end: h(21) },
    summary: "Marketing texts only 08:00–21:00 in the recipient's local time.",
    source: "TCPA rules, 47 CFR 64.1200(c)(1)",
    url: "https://www.ecfr.gov/current/title-47/chapter-I/subchapter-B/part-64/subpart-L/section-64.1200",
    effective: "1992-12-20",
  },
  // The three "mini-TCPA" states: the same limits, each with its own statute.
  miniTcpa({
    state: "FL",
    name: "Florida",
    source:
      "Fla. Stat. 501.616(6) (hours; at most 3 commercial solicitation calls/texts in 24 h) and 501.059 (area-code presumption), as amended by CS/SB 1120 (2021)",
    url: "https://flsenate.gov/Session/Bill/2021/1120/BillText/er/HTML",
    effective: "2021-07-01",
  }),
  miniTcpa({
    state: "OK",
    name: "Oklahoma",
    source: "Oklahoma Telephone Solicitation Act of 2022, 15 O.S. §775C.1 et seq. (HB 3168)",
    effective: "2022-11-01",
  }),
  miniTcpa({
    state: "MD",
    name: "Maryland",
    source: "Maryland Stop the Spam Calls Act of 2023, Md. Code, Com. Law §14-4501 et seq. (SB 90)",
    effective: "2024-01-01",
  }),
  {
    id: "MY",
    country: "MY",
    prefix: "RM0.00",
    summary: "Marketing texts to +60 numbers start with “RM0.00” (the shopper pays nothing to receive them).",
    source: "Malaysian operators' requirement for promotional SMS (MCMC regime), as published by SMS providers",
    url: "https://kb.b3networks.com/article/dkqf2xiyvr-malaysian-regulatory-requirement-for-sending-sms-to-malaysia",
    effective: "in force; the operators publish no start date",
  },
];

/** Every rule that binds a recipient who may be in any of these places (the stricter wins). */
export function rulesFor(places: readonly Jurisdiction[]): SendingRule[] {
  return SENDING_RULES.filter((r) =>
    places.some((p) => p.country === r.country && (!r.state || p.state?.toUpperCase() === r.state)),
  );
}

/** Windows and caps apply to marketing; compliance replies and transactional texts have their own rules. */
export const bindsPurpose = (purpose: string) => purpose === "marketing";

export interface Cap {
  count: number;
  hours: number;
  /** "your settings" or the rule's id. */
  by: string;
}

export interface MerchantLimits {
  quietHoursStartMinute: number;
  quietHoursEndMinute: number;
  frequencyCapCount: number;
  frequencyCapHours: number;
}

/** The shop's quiet hours as the window it leaves open. */
export const merchantWindow = (s: MerchantLimits): Window => ({
  start: s.quietHoursEndMinute,
  end: s.quietHoursStartMinute,
});

/** The merchant's window and cap plus every rule's: all must hold, so the strictest binds. */
export function effectiveLimits(settings: MerchantLimits, rules: readonly SendingRule[]) {
  return {
    windows: [merchantWindow(settings), ...rules.flatMap((r) => (r.window ? [r.window] : []))],
    caps: [
      { count: settings.frequencyCapCount, hours: settings.frequencyCapHours, by: "your settings" },
      ...rules.flatMap((r) => (r.cap ? [{ ...r.cap, by: r.id }] : [])),
    ] satisfies Cap[],
  };
}

const within = (inner: Window, outer: Window) =>
  outer.start <= outer.end && inner.start <= inner.end && inner.start >= outer.start && inner.end <= outer.end;

/**
 * What actually applies in one jurisdiction, for the Settings page: the merchant's window
 * narrowed to the law's where it is looser, the smaller of the two caps (compared per day).
 */
export function clampedFor(settings: MerchantLimits, rule: SendingRule) {
  const mine = merchantWindow(settings);
  const window = !rule.window
    ? mine
    : within(mine, rule.window)
      ? mine
      : mine.start <= mine.end
        ? { start: Math.max(mine.start, rule.window.start), end: Math.min(mine.end, rule.window.end) }
        : rule.window;
  const perDay = (c: { count: number; hours: number }) => (c.count * 24) / c.hours;
  const cap =
    rule.cap && perDay(rule.cap) < perDay({ count: settings.frequencyCapCount, hours: settings.frequencyCapHours })
      ? { ...rule.cap, clamped: true }
      : { count: settings.frequencyCapCount, hours: settings.frequencyCapHours, clamped: false };
  const windowClamped = window.start !== mine.start || window.end !== mine.end;
  return { window, windowClamped, cap };
}
