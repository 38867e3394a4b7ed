import type { Db } from "../db.server";
import type { AppServices } from "../services";
import { isUniqueViolation } from "../db/unique-violation";
import { SECOND } from "../clock";
import { QUEUES } from "../jobs/queue.server";
import { recordConsent } from "../consent/ledger.server";
import { shopName } from "../commerce/shops.server";
import { refreshCustomerSegments } from "../segments/membership.server";
import { trackLinks } from "../tracking/links.server";
import { composeBody, type ComposeInput } from "./compliance";
import { checkGates, toRecipient, type GateDecision, type Recipient } from "./gates.server";
import { lockRecipient, unlockRecipient } from "./recipient-lock.server";
import { bindsPurpose } from "./rules";
import { numberCountry } from "../contacts/phone";
import { ProviderError } from "./providers/provider";
import type { ProviderRegistry } from "./providers/registry.server";
import { encodeSms } from "./sms-encoding";
import { log } from "../observability/log.server";
import { afterConsentChange } from "../consent/after-change.server";
export { cancelPendingMessages } from "./cancel.server";

export interface ScheduleInput {
  shopId: string;
  /** A customer, or (for a reply to a number we hold no customer for) just a phone. */
  customerId: string | null;
  phone?: string;
  body: string;
  purpose: "marketing" | "compliance" | "transactional";
  /** At most one message per key per shop, however often scheduling is retried. */
  idempotencyKey: string;
  dueAt: Date;
  flowId?: string;
  flowRunId?: string;
  campaignId?: string;
  variant?: string;
}

const MAX_ATTEMPTS = 6;

/** Creates the message (once per idempotency key) and queues its send for `dueAt`. */
export async function scheduleMessage(deps: AppServices, m: ScheduleInput): Promise<{ id: string; created: boolean }> {
  const existing = await deps.db.message.findUnique({
    where: { shopId_idempotencyKey: { shopId: m.shopId, idempotencyKey: m.idempotencyKey } },
    select: { id: true, status: true, dueAt: true },
  });
  if (existing) {
    // A scheduler retried after dying between creating the message and queueing its send
    // (a campaign fan-out killed mid-batch) would otherwise leave it SCHEDULED forever. The
    // send's dedupe key makes this a no-op when the job is still queued, and a second job
    // for a message already claimed finds nothing to do.
    if (existing.status === "SCHEDULED") await enqueueSend(deps, existing.id, existing.dueAt ?? m.dueAt);
    return { id: existing.id, created: false };
  }
  const phone = m.customerId
    ? (await deps.db.customer.findUniqueOrThrow({ where: { id: m.customerId }, select: { phone: true } })).phone
    : (m.phone ?? null);
  const message = await deps.db.message
    .create({
      data: {
        shopId: m.shopId,
        customerId: m.customerId,
        phone,
        direction: "OUTBOUND",
        purpose: m.purpose,
        body: m.body,
        idempotencyKey: m.idempotencyKey,
        status: "SCHEDULED",
        dueAt: m.dueAt,
        flowId: m.flowId,
        flowRunId: m.flowRunId,
        campaignId: m.campaignId,
        variant: m.variant,
      },
      select: { id: true },
    })
    .catch(async (error: unknown) => {
      if (!isUniqueViolation(error)) throw error; // otherwise a concurrent schedule won
      return deps.db.message.findUniqueOrThrow({
        where: { shopId_idempotencyKey: { shopId: m.shopId, idempotencyKey: m.idempotencyKey } },
        select: { id: true },
      });
    });
  await enqueueSend(deps, message.id, m.dueAt);
  return { id: message.id, created: true };
}

const enqueueSend = (deps: AppServices, messageId: string, at: Date) =>
  deps.queue.enqueue(QUEUES.sendMessage, { messageId }, { runAt: at, dedupeKey: `send:${messageId}:${at.getTime()}` });

export type SendOutcome = "sent" | "reconciled" | "deferred" | "refused" | "retrying" | "failed" | "noop";

/**
 * The send job. State is recorded before the provider call (SENDING, with the exact text)
 * and after it (SENT / FAILED), so a crash at any point is recoverable without a duplicate:
 * a message found in SENDING is first looked up at the provider, and resent only if the
 * provider never accepted it.
 */
export async function sendMessage(deps: AppServices, messageId: string): Promise<SendOutcome> {
  const { db } = deps;
  const now = deps.clock.now();
  const message = await db.message.findUnique({ where: { id: messageId } });
  if (!message || !["SCHEDULED", "HELD", "SENDING"].includes(message.status)) return "noop";
  const provider = await deps.providers.forShop(message.shopId);

  if (message.dueAt && message.dueAt > now) {
    // Not due yet: a retry waiting out its backoff, or a job woken early (clocks of two
    // processes disagree). Queue again for the due time, not under this job's dedupe key,
    // which is still taken until this job finishes. (A message claimed for sending was due
    // when claimed, so a crash leaves it due.)
    await deps.queue.enqueue(QUEUES.sendMessage, { messageId: message.id }, { runAt: message.dueAt });
    return "noop";
  }
  if (message.status === "SENDING" && message.phone && message.sentAt) {
    const found = await provider.findSent({ to: message.phone, body: message.body, since: message.sentAt });
    if (found) {
      await recordAccepted(db, message.id, provider.name, found.providerMessageId, now);
      return "reconciled";
    }
  }

  const [customer, shop] = await Promise.all([
    message.customerId ? db.customer.findUnique({ where: { id: message.customerId } }) : null,
    findShop(db, message.shopId),
  ]);
  const settings = shop.settings!;
  const recipient: Recipient | null = message.customerId
    ? customer && !customer.deletedAt && !customer.redactedAt
      ? { ...customer, customerId: customer.id }
      : null
    : { customerId: null, phone: message.phone, countryCode: null, smsConsent: "NOT_SUBSCRIBED" };

  // Marketing to a shopper is counted against the caps and claimed under their send lock:
  // another worker holding it is about to claim a text to them, so look again shortly.
  const locked = bindsPurpose(message.purpose) && recipient?.customerId ? recipient.customerId : null;
  if (locked && !(await lockRecipient(db, locked, now))) {
    await deps.queue.enqueue(
      QUEUES.sendMessage,
      { messageId: message.id },
      { runAt: new Date(now.getTime() + 2 * SECOND) },
    );
    return "deferred";
  }
  try {
    return await gateAndSend(deps, { message, shop, settings, recipient, provider, now });
  } finally {
    if (locked) await unlockRecipient(db, locked);
  }
}

type MessageRow = NonNullable<Awaited<ReturnType<Db["message"]["findUnique"]>>>;
type ShopRow = Awaited<ReturnType<typeof findShop>>;
const findShop = (db: Db, id: string) => db.shop.findUniqueOrThrow({ where: { id }, include: { settings: true } });

async function gateAndSend(
  deps: AppServices,
  s: {
    message: MessageRow;
    shop: ShopRow;
    settings: NonNullable<ShopRow["settings"]>;
    recipient: Recipient | null;
    provider: Awaited<ReturnType<ProviderRegistry["forShop"]>>;
    now: Date;
  },
): Promise<SendOutcome> {
  const { db } = deps;
  const { message, shop, settings, recipient, provider, now } = s;
  const previous = (message.gateDecisions as GateDecision[] | null) ?? [];
  const gates = await checkGates(db, { message, recipient, settings, shop, now });
  const decisions = [...previous, ...gates.decisions].slice(-40) as object[];
  if (gates.action === "defer") {
    await db.message.update({
      where: { id: message.id },
      data: { status: "HELD", dueAt: gates.until, gateDecisions: decisions },
    });
    await enqueueSend(deps, message.id, gates.until);
    return "deferred";
  }
  if (gates.action === "refuse") {
    await db.message.update({
      where: { id: message.id },
      data: { status: "SUPPRESSED", error: gates.reason, gateDecisions: decisions },
    });
    return "refused";
  }

  // The exact text: template output + compliance additions + tracked links. Fixed once,
  // at the first claim, so a resend after a crash sends (and finds) the same text.
  let body = message.body;
  if (message.status !== "SENDING") {
    const firstMessage =
      (await db.message.count({
        where: {
          shopId: shop.id,
          ...toRecipient(recipient!),
          purpose: "marketing",
          status: { in: ["SENT", "DELIVERED"] },
        },
      })) === 0;
    body = composeBody({
      body,
      senderName: shopSenderName(shop),
      purpose: message.purpose as ComposeInput["purpose"],
      firstMessage,
      numberCountry: numberCountry(recipient!.phone),
    });
    body = await trackLinks(db, deps.appUrl, body, {
      shopId: shop.id,
      messageId: message.id,
      customerId: recipient!.customerId,
    });
  }
  const encoding = encodeSms(body);
  const claimed = await db.message.updateMany({
    where: { id: message.id, status: message.status, attempts: message.attempts },
    data: {
      status: "SENDING",
      attempts: { increment: 1 },
      sentAt: now,
      body,
      phone: recipient!.phone,
      gateDecisions: decisions,
      encoding: encoding.encoding,
      segments: encoding.segments,
      cost: encoding.segments * Number(settings.costPerSegment),
    },
  });
  if (claimed.count === 0) return "noop"; // another worker has it

  await deps.pacer.wait(shop.id, settings.messagesPerSecond);
  try {
    const accepted = await provider.send({
      to: recipient!.phone!,
      body,
      messageId: message.id,
      statusCallbackUrl: `${deps.appUrl.replace(/\/$/, "")}/twilio/status/${message.id}`,
    });
    await recordAccepted(db, message.id, provider.name, accepted.providerMessageId, now);
    return "sent";
  } catch (error) {
    if (!(error instanceof ProviderError)) throw error; // unknown: the job retries, and reconciles first
    return handleProviderError(deps, message.id, message.attempts + 1, { shopId: shop.id, ...recipient! }, error, now);
  }
}

/** The provider has the message: SENT (the local outbox "delivers" at once: DELIVERED). */
async function recordAccepted(db: Db, messageId: string, providerName: string, providerMessageId: string, now: Date) {
  const delivered = providerName === "outbox";
  await db.message.update({
    where: { id: messageId },
    data: {
      status: delivered ? "DELIVERED" : "SENT",
      provider: providerName,
      providerMessageId,
      deliveredAt: delivered ? now : null,
      error: null,
    },
  });
  if (delivered) await db.deliveryEvent.create({ data: { messageId, status: "delivered", at: now } });
}

async function handleProviderError(
  deps: AppServices,
  messageId: string,
  attempts: number,
  recipient: Recipient & { shopId: string },
  error: ProviderError,
  now: Date,
): Promise<SendOutcome> {
  const { db } = deps;
  const retrying = error.kind === "retryable" && attempts < MAX_ATTEMPTS;
  // The provider's message may quote the number; the logger masks it. Never the text.
  log.warn("send failed", {
    shopId: recipient.shopId,
    messageId,
    attempt: attempts,
    errorClass: error.kind,
    reason: error.reason,
    providerCode: error.providerCode,
    retryAfter: error.retryAfter,
    willRetry: retrying,
    error: error.message,
  });
  if (retrying) {
    const wait = error.retryAfter ? error.retryAfter * SECOND : Math.min(2 ** attempts * 15 * SECOND, 30 * 60 * SECOND);
    const dueAt = new Date(now.getTime() + wait);
    // Rate limited: nothing was accepted, so the next attempt simply sends. Unreachable or
    // 5xx: the provider may have taken it, so the message stays SENDING and the next
    // attempt asks the provider first.
    const ambiguous = error.reason === "unavailable";
    await db.message.update({
      where: { id: messageId },
      data: ambiguous
        ? { dueAt, error: error.message, errorClass: "retryable" }
        : { status: "SCHEDULED", dueAt, error: error.message, errorClass: "retryable", sentAt: null },
    });
    await enqueueSend(deps, messageId, dueAt);
    return "retrying";
  }
  await db.message.update({
    where: { id: messageId },
    data: {
      status: "FAILED",
      error: error.message,
      errorClass: error.kind === "retryable" ? "retryable" : "permanent",
    },
  });
  const { shopId, customerId, phone } = recipient;
  if (error.reason === "opted_out") {
    // The carrier says this number opted out: the ledger records it and nothing more is sent.
    await recordConsent(db, {
      shopId,
      customerId,
      phone,
      state: "UNSUBSCRIBED",
      source: "CARRIER",
      occurredAt: now,
      evidence: { messageId, providerCode: error.providerCode },
    });
    await afterConsentChange(deps, {
      shopId,
      phone,
      customerIds: customerId ? [customerId] : [],
      change: "opt_out",
      suppress: "carrier",
      writeBack: true,
      at: now,
      ref: messageId,
    });
  } else if (error.reason === "invalid_number" && customerId) {
    await db.customer.update({ where: { id: customerId }, data: { phone: null, phoneRaw: phone } });
    await refreshCustomerSegments(db, shopId, customerId, now, { cause: "consent", ref: messageId });
  }
  return "failed";
}

/** How texts are signed: the merchant's sender name, else the shop's name. */
export const shopSenderName = (shop: {
  name: string | null;
  domain: string;
  settings: { senderName: string | null } | null;
}) => shop.settings?.senderName ?? shopName(shop);
