import { recordConsent } from "../consent/ledger.server";
import { duplicateAsNull } from "../db/unique-violation";
import { normalisePhone } from "../contacts/phone";
import { refreshCustomerSegments } from "../segments/membership.server";
import { afterConsentChange } from "../consent/after-change.server";
import { scheduleMessage, shopSenderName, type DispatchDeps } from "./dispatch.server";

/** Carrier-standard keywords; case-insensitive, surrounding whitespace ignored. */
const STOP = new Set(["STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT"]);
const START = new Set(["START", "UNSTOP"]);
const HELP = new Set(["HELP", "INFO"]);

export type InboundKind = "stop" | "start" | "help" | "reply";

export function classifyInbound(body: string): InboundKind {
  const word = body.trim().toUpperCase();
  if (STOP.has(word)) return "stop";
  if (START.has(word)) return "start";
  if (HELP.has(word)) return "help";
  return "reply";
}

export interface InboundSms {
  from: string;
  body: string;
  providerMessageId: string;
}

/**
 * A text from a shopper. Every one is stored (the admin shows replies). STOP and its
 * synonyms opt the number out: a ledger entry, pending messages cancelled, one
 * confirmation. START / UNSTOP opt back in. HELP answers with the shop's name and contact.
 * Idempotent on the provider's message id (providers retry callbacks).
 */
export async function handleInbound(deps: DispatchDeps, shopId: string, sms: InboundSms): Promise<InboundKind> {
  const { db } = deps;
  const now = deps.clock.now();
  const parsed = normalisePhone(sms.from);
  const phone = parsed.ok ? parsed.e164 : sms.from;
  const kind = classifyInbound(sms.body);
  const customers = await db.customer.findMany({
    where: { shopId, phone, deletedAt: null, redactedAt: null },
    select: { id: true },
  });
  const stored = await db.message
    .create({
      data: {
        shopId,
        customerId: customers[0]?.id ?? null,
        phone,
        direction: "INBOUND",
        purpose: kind === "reply" ? "reply" : "compliance",
        body: sms.body.slice(0, 1600),
        status: "RECEIVED",
        providerMessageId: sms.providerMessageId,
        idempotencyKey: `inbound:${sms.providerMessageId}`,
        sentAt: now,
      },
    })
    .catch(duplicateAsNull); // null: a retried callback
  if (!stored) return kind;
  await db.customer.updateMany({ where: { id: { in: customers.map((c) => c.id) } }, data: { lastInboundAt: now } });

  const shop = await db.shop.findUniqueOrThrow({ where: { id: shopId }, include: { settings: true } });
  const name = shopSenderName(shop);
  const evidence = {
    inboundMessageId: stored.id,
    providerMessageId: sms.providerMessageId,
    body: sms.body.slice(0, 160),
  };
  if (kind === "stop" || kind === "start") {
    const state = kind === "stop" ? "UNSUBSCRIBED" : "SUBSCRIBED";
    const targets = customers.length ? customers.map((c) => c.id) : [null];
    for (const customerId of targets) {
      await recordConsent(db, {
        shopId,
        customerId,
        phone,
        state,
        source: "INBOUND_KEYWORD",
        optInLevel: kind === "start" ? "single_opt_in" : null,
        occurredAt: now,
        evidence,
      });
    }
    // STOP suppresses the number (known or not); only START from it lifts that.
    await afterConsentChange(deps, {
      shopId,
      phone: parsed.ok ? phone : null,
      customerIds: customers.map((c) => c.id),
      ...(kind === "stop" ? { change: "opt_out", suppress: "stop" } : { change: "opt_in", lift: "start" }),
      writeBack: true,
      at: now,
      ref: stored.id,
    });
  } else {
    for (const c of customers)
      await refreshCustomerSegments(db, shopId, c.id, now, {
        cause: kind === "reply" ? "webhook" : "consent",
        ref: stored.id,
      });
  }

  const reply =
    kind === "stop"
      ? `${name}: You're unsubscribed and will receive no more messages. Reply START to resubscribe.`
      : kind === "start"
        ? `${name}: You're resubscribed to marketing texts. Reply STOP to opt out, HELP for help.`
        : kind === "help"
          ? `${name}: ${shop.settings?.contactInfo ?? shop.email ?? `https://${shop.domain}`}. Msg & data rates may apply. Reply STOP to opt out.`
          : null;
  if (reply) {
    await scheduleMessage(deps, {
      shopId,
      customerId: customers[0]?.id ?? null,
      phone,
      body: reply,
      purpose: "compliance",
      idempotencyKey: `inbound:${sms.providerMessageId}:reply`,
      dueAt: now,
    });
  }
  return kind;
}
