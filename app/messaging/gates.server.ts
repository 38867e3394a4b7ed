import type { Db } from "../db.server";
import { HOUR } from "../clock";
import { normalisePhone } from "../contacts/phone";
import { checkConsent } from "../consent/gate.server";
import { isAllowed, nextAllowed, sendingWindows } from "./quiet-hours";

export interface GateDecision {
  gate: "consent" | "phone" | "quiet_hours" | "frequency_cap";
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
  timeZone: string | null;
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
  shopTimeZone: string;
  now: Date;
}

/**
 * The checks made at the moment of sending (never only when scheduling: consent can be
 * withdrawn, a cap filled, or night fall in between). Every decision is returned so the
 * dispatcher can record it on the message. Compliance replies (STOP confirmation, HELP)
 * skip consent, quiet hours and the cap: the shopper just wrote to us.
 */
export async function checkGates(db: Db, g: GateInput): Promise<GateOutcome> {
  const at = g.now.toISOString();
  const decisions: GateDecision[] = [];
  const refuse = (gate: GateDecision["gate"], detail: string): GateOutcome => {
    decisions.push({ gate, decision: "refuse", detail, at });
    return { action: "refuse", reason: `${gate}: ${detail}`, decisions };
  };
  const c = g.recipient;
  const marketing = g.message.purpose === "marketing";

  const phone = normalisePhone(c?.phone, c?.countryCode);
  if (!c || !phone.ok)
    return refuse(
      "phone",
      c ? `no valid E.164 number (${phone.ok ? "" : phone.reason})` : "the customer was deleted or redacted",
    );
  decisions.push({ gate: "phone", decision: "pass", detail: "valid E.164", at });

  if (marketing) {
    const consent = await checkConsent(db, {
      shopId: g.message.shopId,
      customerId: c.customerId,
      phone: phone.e164,
      flowRunId: g.message.flowRunId,
    });
    if (consent.decision === "refuse") return refuse("consent", consent.detail);
    decisions.push({ gate: "consent", decision: "pass", detail: consent.detail, at });

    const timeZone = c.timeZone ?? g.shopTimeZone;
    const windows = sendingWindows(g.settings, c.countryCode);
    if (!isAllowed(g.now, timeZone, windows)) {
      const until = nextAllowed(g.now, timeZone, windows);
      decisions.push({
        gate: "quiet_hours",
        decision: "defer",
        detail: `quiet hours in ${timeZone}; next allowed ${until.toISOString()}`,
        at,
      });
      return { action: "defer", until, decisions };
    }
    decisions.push({ gate: "quiet_hours", decision: "pass", detail: `allowed in ${timeZone}`, at });

    const since = new Date(g.now.getTime() - g.settings.frequencyCapHours * HOUR);
    const recent = await db.message.findMany({
      where: {
        shopId: g.message.shopId,
        ...toRecipient(c),
        purpose: "marketing",
        direction: "OUTBOUND",
        id: { not: g.message.id },
        sentAt: { gt: since },
        status: { in: ["SENDING", "SENT", "DELIVERED"] },
      },
      orderBy: { sentAt: "asc" },
      select: { sentAt: true },
      take: g.settings.frequencyCapCount,
    });
    if (recent.length >= g.settings.frequencyCapCount) {
      const until = new Date(recent[0]!.sentAt!.getTime() + g.settings.frequencyCapHours * HOUR);
      decisions.push({
        gate: "frequency_cap",
        decision: "defer",
        detail: `${recent.length} marketing SMS in ${g.settings.frequencyCapHours} h; next slot ${until.toISOString()}`,
        at,
      });
      return { action: "defer", until, decisions };
    }
    decisions.push({
      gate: "frequency_cap",
      decision: "pass",
      detail: `${recent.length} of ${g.settings.frequencyCapCount} in ${g.settings.frequencyCapHours} h`,
      at,
    });
  }
  return { action: "send", decisions };
}
