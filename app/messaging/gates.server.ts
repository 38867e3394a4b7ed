import type { Db } from "../db.server";
import { normalisePhone } from "../contacts/phone";
import { checkConsentBatch, type ConsentAsk, type ConsentFacts } from "../consent/gate.server";
import { placeRecipient } from "../contacts/zone.server";
import { checkCapsBatch, type RecentAsk, type RecentText } from "./cap-gate.server";
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
  return (await checkGatesBatch(db, [g]))[0]!;
}

/**
 * `checkGates` for a batch of texts of one shop (batch dispatch), gate by gate: the phone and
 * installed checks in memory, consent for every number in the batch in one query (through
 * `reads.consentFacts` when given), the windows in memory, the caps in one query (through
 * `reads.recentMarketing` when given). Batch dispatch shares those two reads with the batch's
 * other shops, so each is asked once per shop and clock reading, even when no text reaches its
 * gate. Each text gets the same decisions, in the same order, as it would alone.
 */
export async function checkGatesBatch(
  db: Db,
  gs: GateInput[],
  reads: {
    consentFacts?: (ask: ConsentAsk) => Promise<ConsentFacts>;
    recentMarketing?: (ask: RecentAsk) => Promise<RecentText[]>;
  } = {},
): Promise<GateOutcome[]> {
  const out: (GateOutcome | null)[] = gs.map(() => null);
  const open = gs.map((g, i) => ({ g, i, at: g.now.toISOString(), decisions: [] as GateDecision[], e164: "" }));
  const refuse = (o: (typeof open)[number], gate: GateDecision["gate"], detail: string) => {
    o.decisions.push({ gate, decision: "refuse", detail, at: o.at });
    out[o.i] = { action: "refuse", reason: `${gate}: ${detail}`, decisions: o.decisions };
  };

  let consenting: typeof open = [];
  for (const o of open) {
    const { g } = o;
    if (g.shop.uninstalledAt) {
      refuse(o, "installed", `the app was uninstalled at ${g.shop.uninstalledAt.toISOString()}`);
      continue;
    }
    const c = g.recipient;
    const phone = normalisePhone(c?.phone, c?.countryCode);
    if (!c || !phone.ok) {
      refuse(
        o,
        "phone",
        c ? `no valid E.164 number (${phone.ok ? "" : phone.reason})` : "the customer was deleted or redacted",
      );
      continue;
    }
    o.e164 = phone.e164;
    o.decisions.push({ gate: "phone", decision: "pass", detail: "valid E.164", at: o.at });
    if (!bindsPurpose(g.message.purpose)) out[o.i] = { action: "send", decisions: o.decisions };
    else consenting.push(o);
  }

  const consentGroups = byShop(consenting);
  if (consentGroups.size === 0 && reads.consentFacts && gs.length) {
    // Nothing to ask: the shared read is still asked, empty, so the other shops need not wait for us.
    await reads.consentFacts({ shopId: gs[0]!.message.shopId, phones: [] });
  }
  for (const group of consentGroups.values()) {
    const shopId = group[0]!.g.message.shopId;
    const decided = await checkConsentBatch(db, {
      shopId,
      questions: group.map((o) => ({
        shopId,
        customerId: o.g.recipient!.customerId,
        phone: o.e164,
        flowRunId: o.g.message.flowRunId,
      })),
      read: reads.consentFacts,
    });
    group.forEach((o, k) => {
      const consent = decided[k]!;
      if (consent.decision === "refuse") refuse(o, "consent", consent.detail);
      else o.decisions.push({ gate: "consent", decision: "pass", detail: consent.detail, at: o.at });
    });
  }
  consenting = consenting.filter((o) => !out[o.i]);

  const capped: { o: (typeof open)[number]; caps: ReturnType<typeof effectiveLimits>["caps"] }[] = [];
  for (const o of consenting) {
    const { g } = o;
    const place = await placeRecipient({ ...g.recipient!, phone: o.e164 }, g.shop.ianaTimezone);
    const rules = rulesFor(place.jurisdictions);
    const limits = effectiveLimits(g.settings, rules);
    const where = `${place.zones.join(", ")} (from ${place.zoneSource}${rules.length ? `; rules ${rules.map((r) => r.id).join(", ")}` : ""})`;
    if (!isAllowedInAll(g.now, place.zones, limits.windows)) {
      const until = nextAllowedInAll(g.now, place.zones, limits.windows);
      if (!until) {
        refuse(o, "quiet_hours", `no time is allowed in every candidate zone: ${where}`);
        continue;
      }
      o.decisions.push({
        gate: "quiet_hours",
        decision: "defer",
        detail: `quiet hours in ${where}; next allowed ${until.toISOString()}`,
        at: o.at,
      });
      out[o.i] = { action: "defer", until, decisions: o.decisions };
      continue;
    }
    o.decisions.push({ gate: "quiet_hours", decision: "pass", detail: `allowed in ${where}`, at: o.at });
    capped.push({ o, caps: limits.caps });
  }

  const capGroups = byShop(capped.map((c) => ({ ...c, g: c.o.g })));
  if (capGroups.size === 0 && reads.recentMarketing && gs.length) {
    // Nothing to count: the shared read is still asked, empty, so the other shops need not wait for us.
    const { message, now } = gs[0]!;
    await reads.recentMarketing({ shopId: message.shopId, now, customerIds: [], phones: [], hours: 0 });
  }
  for (const group of capGroups.values()) {
    const shopId = group[0]!.g.message.shopId;
    const caps = await checkCapsBatch(db, {
      shopId,
      now: group[0]!.g.now,
      read: reads.recentMarketing,
      questions: group.map(({ o, caps }) => ({
        messageId: o.g.message.id,
        recipient: toRecipient(o.g.recipient!),
        caps,
      })),
    });
    group.forEach(({ o }, k) => {
      const cap = caps[k]!;
      o.decisions.push({ gate: "frequency_cap", decision: cap.until ? "defer" : "pass", detail: cap.detail, at: o.at });
      out[o.i] = cap.until
        ? { action: "defer", until: cap.until, decisions: o.decisions }
        : { action: "send", decisions: o.decisions };
    });
  }
  return out as GateOutcome[];
}

/** Items grouped by their message's shop (and, for the caps, one clock reading per batch). */
function byShop<T extends { g: GateInput }>(items: T[]): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = `${item.g.message.shopId} ${item.g.now.getTime()}`;
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  }
  return groups;
}
