import type { Db } from "../db.server";
import { normalisePhone } from "../contacts/phone";
import { checkConsent } from "../consent/gate.server";
import { placeRecipient } from "../contacts/zone.server";
import { checkCaps } from "./cap-gate.server";
import { isAllowedInAll, nextAllowedInAll } from "./quiet-hours";
import { bindsPurpose, effectiveLimits, rulesFor } from "./rules";

export interface GateDecision {
  gate: "installed" | "consent" | "phone" | "quiet_hours" | "frequency_cap";
  decision: "pass" | "defer" | "refuse";
  detail: string;
  at: string;
}

export type GateOutcome =
  | { action: "send"; decisions: GateDecision[] }
  | { action: "defer"; until: Date; decisions: GateDecision[] }
  | { action: "refuse"; reason: string; decisions: GateDecision[] };

export interface Recipient {
  customerId: string | null;
  phone: string | null;
  countryCode: string | null;
  provinceCode?: string | null;
  latitude?: number | null;
  longitude?: number | null;
  smsConsent: string;
}

/** Messages to this recipient: by customer, or by number when there is no customer. */
export const toRecipient = (r: Recipient) => (r.customerId ? { customerId: r.customerId } : { phone: r.phone });

export interface GateInput {
  message: { id: string; shopId: string; customerId: string | null; purpose: string; flowRunId?: string | null };
  /** Who it goes to now: the customer's current state, or for a reply to an unknown number just that number. */
  recipient: Recipient | null;
  settings: {
    quietHoursStartMinute: number;
    quietHoursEndMinute: number;
    frequencyCapCount: number;
    frequencyCapHours: number;
  };
  shop: { ianaTimezone: string; uninstalledAt: Date | null };
  now: Date;
}

/**
 * The checks made at the moment of sending (never only when scheduling: consent can be
 * withdrawn, a cap filled, night fall or the app be uninstalled in between). Every decision
 * is returned so the dispatcher can record it on the message. Nothing at all goes out for an
 * uninstalled shop. Compliance replies (STOP confirmation, HELP) and transactional texts
 * skip consent, the windows and the caps (messaging/rules `bindsPurpose`): the shopper just
 * wrote to us, or asked for the text.
 */
export async function checkGates(db: Db, g: GateInput): Promise<GateOutcome> {
  const at = g.now.toISOString();
  const decisions: GateDecision[] = [];
  const refuse = (gate: GateDecision["gate"], detail: string): GateOutcome => {
    decisions.push({ gate, decision: "refuse", detail, at });
    return { action: "refuse", reason: `${gate}: ${detail}`, decisions };
  };
  if (g.shop.uninstalledAt)
    return refuse("installed", `the app was uninstalled at ${g.shop.uninstalledAt.toISOString()}`);
  const c = g.recipient;

  const phone = normalisePhone(c?.phone, c?.countryCode);
  if (!c || !phone.ok)
    return refuse(
      "phone",
      c ? `no valid E.164 number (${phone.ok ? "" : phone.reason})` : "the customer was deleted or redacted",
    );
  decisions.push({ gate: "phone", decision: "pass", detail: "valid E.164", at });
  if (!bindsPurpose(g.message.purpose)) return { action: "send", decisions };

  const consent = await checkConsent(db, {
    shopId: g.message.shopId,
    customerId: c.customerId,
    phone: phone.e164,
    flowRunId: g.message.flowRunId,
  });
  if (consent.decision === "refuse") return refuse("consent", consent.detail);
  decisions.push({ gate: "consent", decision: "pass", detail: consent.detail, at });

  const place = await placeRecipient({ ...c, phone: phone.e164 }, g.shop.ianaTimezone);
  const rules = rulesFor(place.jurisdictions);
  const limits = effectiveLimits(g.settings, rules);
  const where = `${place.zones.join(", ")} (from ${place.zoneSource}${rules.length ? `; rules ${rules.map((r) => r.id).join(", ")}` : ""})`;
  if (!isAllowedInAll(g.now, place.zones, limits.windows)) {
    const until = nextAllowedInAll(g.now, place.zones, limits.windows);
    if (!until) return refuse("quiet_hours", `no time is allowed in every candidate zone: ${where}`);
    decisions.push({
      gate: "quiet_hours",
      decision: "defer",
      detail: `quiet hours in ${where}; next allowed ${until.toISOString()}`,
      at,
    });
    return { action: "defer", until, decisions };
  }
  decisions.push({ gate: "quiet_hours", decision: "pass", detail: `allowed in ${where}`, at });

  const cap = await checkCaps(db, {
    shopId: g.message.shopId,
    messageId: g.message.id,
    recipient: toRecipient(c),
    caps: limits.caps,
    now: g.now,
  });
  decisions.push({ gate: "frequency_cap", decision: cap.until ? "defer" : "pass", detail: cap.detail, at });
  if (cap.until) return { action: "defer", until: cap.until, decisions };
  return { action: "send", decisions };
}
