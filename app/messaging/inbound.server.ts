import type { AppServices } from "../services";
import type { Db } from "../db.server";
import { recordConsent } from "../consent/ledger.server";
import { duplicateAsNull } from "../db/unique-violation";
import { normalisePhone } from "../contacts/phone";
import { refreshCustomerSegments } from "../segments/membership.server";
import { afterConsentChange } from "../consent/after-change.server";
import { activeSuppression } from "../consent/suppression.server";
import { confirmOptIn, requestConfirmedOptIn } from "../consent/confirmed-opt-in.server";
import { scheduleMessage } from "../schedule/messages.server";
import { shopSenderName } from "../shop-name";
import { classifyInbound, normaliseReply, type InboundKind } from "./keywords";
import { helpReply } from "./help";

export { classifyInbound, type InboundKind };

export interface InboundSms {
  from: string;
  body: string;
  providerMessageId: string;
}

/** The purpose an inbound text is stored under; "possible_opt_out" is what the admin's review list shows. */
const storedPurpose = (kind: InboundKind) =>
  kind === "reply" || kind === "yes" ? "reply" : kind === "possible_stop" ? "possible_opt_out" : "compliance";

/**
 * A text from a shopper. Every one is stored (the admin shows replies). An opt-out (the STOP
 * family, or a clear phrase: messaging/keywords) opts the number out: a ledger entry at the
 * time it arrived, pending messages cancelled, and one confirmation (none when the number was
 * already opted out: 47 CFR 64.1200(a)(12) allows a single one). A possible opt-out waits for
 * the merchant (confirmPossibleOptOut). START / UNSTOP opt back in. HELP answers with brand,
 * contact, frequency, rates and STOP, unless the provider already answers it.
 * Idempotent on the provider's message id (providers retry callbacks).
 */
export async function handleInbound(deps: AppServices, shopId: string, sms: InboundSms): Promise<InboundKind> {
  const { db } = deps;
  const now = deps.clock.now();
  const parsed = normalisePhone(sms.from);
  const phone = parsed.ok ? parsed.e164 : sms.from;
  const kind = classifyInbound(sms.body);
  const customers = await db.customer.findMany({
    where: { shopId, phone, deletedAt: null, redactedAt: null },
    select: { id: true, smsConsent: true },
  });
  const stored = await db.message
    .create({
      data: {
        shopId,
        customerId: customers[0]?.id ?? null,
        phone,
        direction: "INBOUND",
        purpose: storedPurpose(kind),
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
  let reply: string | null = null;
  switch (kind) {
    case "stop": {
      const confirm = !(await alreadyOptedOut(db, shopId, phone));
      await optOut(deps, { shopId, phone, customerIds: customers.map((c) => c.id), at: now, evidence, ref: stored.id });
      if (confirm) reply = optOutConfirmation(name);
      break;
    }
    case "start":
      // START from a number that opted out resubscribes it (the carriers' restart word; the
      // confirmation text follows from afterConsentChange). From any other number it is a
      // keyword sign-up like JOIN: confirmed opt-in first.
      if (await alreadyOptedOut(db, shopId, phone)) {
        await recordKeywordConsent(deps, {
          shopId,
          phone,
          customerIds: customers.map((c) => c.id),
          state: "SUBSCRIBED",
          at: now,
          evidence,
          ref: stored.id,
        });
        break;
      }
    // falls through
    case "join":
      if (parsed.ok)
        await requestConfirmedOptIn(deps, {
          shopId,
          phone,
          country: parsed.country ?? null,
          customerId: customers[0]?.id ?? null,
          source: "INBOUND_KEYWORD",
          at: now,
          evidence: { ...evidence, field: "keyword", keyword: normaliseReply(sms.body).slice(0, 20) },
        });
      break;
    case "help":
      if (!shop.settings?.providerAnswersHelp)
        reply = helpReply(shop.settings?.helpText ?? null, {
          brand: name,
          contact: shop.settings?.contactInfo ?? shop.email ?? `https://${shop.domain}`,
          frequencyCapCount: shop.settings?.frequencyCapCount ?? 1,
          frequencyCapHours: shop.settings?.frequencyCapHours ?? 24,
        });
      break;
    case "yes":
      // A Y confirms the number's open sign-up, if any; otherwise it is an ordinary reply.
      await confirmOptIn(deps, { shopId, phone, at: now, inboundMessageId: stored.id });
      break;
    case "possible_stop":
    case "reply":
      break;
    default:
      kind satisfies never;
  }
  if (kind !== "stop" && kind !== "start")
    for (const c of customers)
      await refreshCustomerSegments({ db, shopId, customerId: c.id, now, cause: { cause: "webhook", ref: stored.id } });
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

const optOutConfirmation = (name: string) =>
  `${name}: You're unsubscribed and will receive no more messages. Reply START to resubscribe.`;

/** The number is on the suppression list already (an earlier STOP): it had its one confirmation. */
async function alreadyOptedOut(db: Db, shopId: string, phone: string) {
  return (await activeSuppression(db, shopId, phone)) !== null;
}

interface KeywordConsent {
  shopId: string;
  phone: string;
  customerIds: string[];
  /** When the shopper asked: the revocation time the ledger keeps. */
  at: Date;
  evidence: Record<string, unknown>;
  /** The inbound message: segment-change reference and write-back dedupe. */
  ref: string;
}

async function recordKeywordConsent(
  deps: AppServices,
  k: KeywordConsent & { state: "SUBSCRIBED" | "UNSUBSCRIBED" },
): Promise<void> {
  const { db } = deps;
  const targets = k.customerIds.length ? k.customerIds : [null];
  for (const customerId of targets) {
    await recordConsent(db, {
      shopId: k.shopId,
      customerId,
      phone: k.phone,
      state: k.state,
      source: "INBOUND_KEYWORD",
      optInLevel: k.state === "SUBSCRIBED" ? "single_opt_in" : null,
      occurredAt: k.at,
      evidence: k.evidence,
    });
  }
  // STOP suppresses the number (known or not); only START from it lifts that.
  await afterConsentChange(deps, {
    shopId: k.shopId,
    phone: k.phone,
    customerIds: k.customerIds,
    ...(k.state === "UNSUBSCRIBED" ? { change: "opt_out", suppress: "stop" } : { change: "opt_in", lift: "start" }),
    writeBack: true,
    origin: "live",
    at: k.at,
    ref: k.ref,
  });
}

const optOut = (deps: AppServices, k: KeywordConsent) => recordKeywordConsent(deps, { ...k, state: "UNSUBSCRIBED" });

/**
 * The merchant confirms a possible opt-out from the admin's review list: the same as a STOP
 * received at the time the shopper wrote (the revocation time), plus one confirmation text.
 * Returns false when the message is not a pending possible opt-out of this shop.
 */
export async function confirmPossibleOptOut(deps: AppServices, shopId: string, messageId: string): Promise<boolean> {
  const { db } = deps;
  const message = await db.message.findFirst({
    where: { id: messageId, shopId, direction: "INBOUND", purpose: "possible_opt_out" },
  });
  if (!message?.phone) return false;
  const claimed = await db.message.updateMany({
    where: { id: message.id, purpose: "possible_opt_out" },
    data: { purpose: "compliance" },
  });
  if (claimed.count === 0) return false; // confirmed twice at once: the other one acts
  const customers = await db.customer.findMany({
    where: { shopId, phone: message.phone, deletedAt: null, redactedAt: null },
    select: { id: true, smsConsent: true },
  });
  const confirm = !(await alreadyOptedOut(db, shopId, message.phone));
  await optOut(deps, {
    shopId,
    phone: message.phone,
    customerIds: customers.map((c) => c.id),
    at: message.sentAt ?? message.createdAt,
    evidence: {
      inboundMessageId: message.id,
      body: (message.body ?? "").slice(0, 160),
      confirmedByMerchantAt: deps.clock.now().toISOString(),
    },
    ref: message.id,
  });
  if (confirm) {
    const shop = await db.shop.findUniqueOrThrow({ where: { id: shopId }, include: { settings: true } });
    await scheduleMessage(deps, {
      shopId,
      customerId: customers[0]?.id ?? null,
      phone: message.phone,
      body: optOutConfirmation(shopSenderName(shop)),
      purpose: "compliance",
      idempotencyKey: `inbound:${message.id}:confirmed-opt-out`,
      dueAt: deps.clock.now(),
    });
  }
  return true;
}

/** The merchant reads a possible opt-out as an ordinary reply. */
export async function dismissPossibleOptOut(db: Db, shopId: string, messageId: string): Promise<boolean> {
  const { count } = await db.message.updateMany({
    where: { id: messageId, shopId, direction: "INBOUND", purpose: "possible_opt_out" },
    data: { purpose: "reply" },
  });
  return count === 1;
}
