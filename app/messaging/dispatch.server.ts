import type { Db } from "../db.server";
import type { AppServices } from "../services";
import { enqueueSend } from "../schedule/messages.server";
import { SECOND } from "../clock";
import { QUEUES } from "../jobs/queue.server";
import { recordConsent } from "../consent/ledger.server";
import { shopSenderName } from "../shop-name";
import { refreshCustomerSegments } from "../segments/membership.server";
import { trackLinksMany } from "../tracking/links.server";
import { composeBody, type ComposeInput } from "./compliance";
import { checkGatesBatch, type GateDecision, type Recipient } from "./gates.server";
import { lockRecipients, unlockRecipients } from "./recipient-lock.server";
import { reserveSendSlots } from "./send-pace.server";
import { bindsPurpose } from "./rules";
import { numberCountry } from "../contacts/phone";
import { ProviderError } from "../sms/provider";
import type { ProviderRegistry } from "../sms/registry.server";
import { encodeSms } from "./sms-encoding";
import { log } from "../observability/log.server";
import { afterConsentChange } from "../consent/after-change.server";

const MAX_ATTEMPTS = 6;

export type SendOutcome = "sent" | "reconciled" | "deferred" | "refused" | "retrying" | "failed" | "noop";

/**
 * The send job for one message: `sendMessages` with a batch of one. Throws what the batch
 * recorded as this message's unexpected error (the job is retried and reconciles first).
 */
export async function sendMessage(deps: AppServices, messageId: string): Promise<SendOutcome> {
  const result = (await sendMessages(deps, [messageId])).get(messageId)!;
  if (result instanceof Error) throw result;
  return result;
}

/** Provider calls in flight per shop batch; each goes no sooner than its paced slot. */
const SEND_CONCURRENCY = Number(process.env.SEND_CONCURRENCY) || 16;

/**
 * The send jobs, a batch at a time. State is recorded before the provider call (SENDING,
 * with the exact text) and after it (SENT / FAILED), per message, so a crash at any point is
 * recoverable without a duplicate: a message found in SENDING is first looked up at the
 * provider, and resent only if the provider never accepted it (docs/decisions/004).
 *
 * Per shop in the batch the reads are a few statements whatever its size: the messages, the
 * recipients, their send locks, each gate for every text at once (messaging/gates
 * `checkGatesBatch`), the first-text flags; the tracked links are one insert; the SENDING
 * claims one conditional update per text, all in parallel; the paced slots (shared with every
 * worker, messaging/send-pace); then the provider calls with bounded concurrency, and the
 * results, in parallel. (Not one transaction: a 50-row transaction outlasted Prisma's 5 s
 * limit on a loaded machine and was rolled back whole.) Every outcome is returned per id; an
 * unexpected error is returned (not thrown) for its message alone.
 */
export async function sendMessages(
  deps: AppServices,
  messageIds: readonly string[],
): Promise<Map<string, SendOutcome | Error>> {
  const results = new Map<string, SendOutcome | Error>();
  const ids = [...new Set(messageIds)];
  const rows = await deps.db.message.findMany({ where: { id: { in: ids } } });
  const active = rows
    .filter((m) => ["SCHEDULED", "HELD", "SENDING"].includes(m.status))
    .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a.id.localeCompare(b.id));
  for (const id of ids) results.set(id, "noop");
  const shops = new Map<string, MessageRow[]>();
  for (const m of active) shops.set(m.shopId, [...(shops.get(m.shopId) ?? []), m]);
  for (const [shopId, messages] of shops) {
    try {
      await sendShopBatch(deps, shopId, messages, results);
    } catch (error) {
      // Not one message's trouble (the shop's settings, the database): every message of this
      // shop not yet settled is retried by its job.
      for (const m of messages) if (results.get(m.id) === "noop") results.set(m.id, asError(error));
    }
  }
  return results;
}

type MessageRow = NonNullable<Awaited<ReturnType<Db["message"]["findUnique"]>>>;
type ShopRow = Awaited<ReturnType<typeof findShop>>;
type Provider = Awaited<ReturnType<ProviderRegistry["forShop"]>>;
const findShop = (db: Db, id: string) => db.shop.findUniqueOrThrow({ where: { id }, include: { settings: true } });
const asError = (error: unknown) => (error instanceof Error ? error : new Error(String(error)));

async function sendShopBatch(
  deps: AppServices,
  shopId: string,
  messages: MessageRow[],
  results: Map<string, SendOutcome | Error>,
): Promise<void> {
  const { db } = deps;
  const now = deps.clock.now();
  const provider = await deps.providers.forShop(shopId);

  const due: MessageRow[] = [];
  for (const message of messages) {
    if (message.dueAt && message.dueAt > now) {
      // Not due yet: a retry waiting out its backoff, or a job woken early (clocks of two
      // processes disagree). Queue again for the due time, not under this job's dedupe key,
      // which is still taken until this job finishes. (A message claimed for sending was due
      // when claimed, so a crash leaves it due.)
      await deps.queue.enqueue(QUEUES.sendMessage, { messageId: message.id }, { runAt: message.dueAt });
      continue;
    }
    if (message.status === "SENDING" && message.phone && message.sentAt) {
      // A crash left it claimed: ask the provider before anything is sent again (rare path, one by one).
      try {
        const found = await provider.findSent({ to: message.phone, body: message.body, since: message.sentAt });
        if (found) {
          const { errors } = await recordAccepted(
            db,
            provider.name,
            [{ id: message.id, providerMessageId: found.providerMessageId }],
            now,
          );
          results.set(message.id, errors.get(message.id) ?? "reconciled");
          continue;
        }
      } catch (error) {
        results.set(message.id, asError(error));
        continue;
      }
    }
    due.push(message);
  }
  if (due.length === 0) return;

  const customerIds = [...new Set(due.flatMap((m) => (m.customerId ? [m.customerId] : [])))];
  const [customers, shop] = await Promise.all([
    customerIds.length ? db.customer.findMany({ where: { id: { in: customerIds } } }) : [],
    findShop(db, shopId),
  ]);
  const customerById = new Map(customers.map((c) => [c.id, c]));
  const recipientOf = (message: MessageRow): Recipient | null => {
    if (!message.customerId)
      return { customerId: null, phone: message.phone, countryCode: null, smsConsent: "NOT_SUBSCRIBED" };
    const customer = customerById.get(message.customerId);
    return customer && !customer.deletedAt && !customer.redactedAt ? { ...customer, customerId: customer.id } : null;
  };

  // Marketing to a shopper is counted against the caps and claimed under their send lock:
  // another worker holding it is about to claim a text to them, so look again shortly. Two
  // texts to one shopper in this batch: the second waits too (its cap must count the first).
  const wanted = new Map<string, MessageRow>();
  const later: MessageRow[] = [];
  for (const m of due) {
    const r = recipientOf(m);
    if (!bindsPurpose(m.purpose) || !r?.customerId) continue;
    if (wanted.has(r.customerId)) later.push(m);
    else wanted.set(r.customerId, m);
  }
  const locked = new Set(await lockRecipients(db, [...wanted.keys()], now));
  for (const [customerId, m] of wanted) if (!locked.has(customerId)) later.push(m);
  for (const m of later) {
    await deps.queue.enqueue(QUEUES.sendMessage, { messageId: m.id }, { runAt: new Date(now.getTime() + 2 * SECOND) });
    results.set(m.id, "deferred");
  }
  const deferred = new Set(later);
  try {
    const batch = due.filter((m) => !deferred.has(m)).map((message) => ({ message, recipient: recipientOf(message) }));
    await gateAndSend(deps, { shop, settings: shop.settings!, provider, now, batch, results });
  } finally {
    if (locked.size) await unlockRecipients(db, [...locked]);
  }
}

interface Item {
  message: MessageRow;
  recipient: Recipient | null;
}

async function gateAndSend(
  deps: AppServices,
  s: {
    shop: ShopRow;
    settings: NonNullable<ShopRow["settings"]>;
    provider: Provider;
    now: Date;
    batch: Item[];
    results: Map<string, SendOutcome | Error>;
  },
): Promise<void> {
  const { db } = deps;
  const { shop, settings, provider, now, batch, results } = s;
  const outcomes = await checkGatesBatch(
    db,
    batch.map(({ message, recipient }) => ({ message, recipient, settings, shop, now })),
  );
  const passed: (Item & { decisions: object[] })[] = [];
  for (const [k, { message, recipient }] of batch.entries()) {
    const gates = outcomes[k]!;
    const previous = (message.gateDecisions as GateDecision[] | null) ?? [];
    const decisions = [...previous, ...gates.decisions].slice(-40) as object[];
    if (gates.action === "defer") {
      await db.message.update({
        where: { id: message.id },
        data: { status: "HELD", dueAt: gates.until, gateDecisions: decisions },
      });
      await enqueueSend(deps, message.id, gates.until);
      results.set(message.id, "deferred");
    } else if (gates.action === "refuse") {
      await db.message.update({
        where: { id: message.id },
        data: { status: "SUPPRESSED", error: gates.reason, gateDecisions: decisions },
      });
      results.set(message.id, "refused");
    } else passed.push({ message, recipient, decisions });
  }
  if (passed.length === 0) return;

  // The exact text: template output + compliance additions + tracked links. Fixed once,
  // at the first claim, so a resend after a crash sends (and finds) the same text.
  const fresh = passed.filter((p) => p.message.status !== "SENDING");
  const texted = await textedBefore(
    db,
    shop.id,
    fresh.map((p) => p.recipient!),
  );
  const composed = await trackLinksMany(
    db,
    deps.appUrl,
    fresh.map(({ message, recipient }) => ({
      body: composeBody({
        body: message.body,
        senderName: shopSenderName(shop),
        purpose: message.purpose as ComposeInput["purpose"],
        firstMessage: !texted(recipient!),
        numberCountry: numberCountry(recipient!.phone),
      }),
      owner: { shopId: shop.id, messageId: message.id, customerId: recipient!.customerId },
    })),
  );
  const bodyOf = new Map(fresh.map((p, k) => [p.message.id, composed[k]!]));
  const claims = passed.map(({ message, recipient, decisions }) => {
    const body = bodyOf.get(message.id) ?? message.body;
    const encoding = encodeSms(body);
    return {
      message,
      recipient: recipient!,
      body,
      update: db.message.updateMany({
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
      }),
    };
  });
  // SENDING with the exact text, every claim of the batch committed (each its own conditional
  // statement, in parallel over the pool) before any provider call. A claim that fails leaves
  // this shop's batch to its jobs' retries (sendMessages), which ask the provider first.
  const counts = await Promise.all(claims.map((c) => c.update));
  const claimed = claims.filter((_, k) => counts[k]!.count === 1); // 0: another worker has it

  const slots = await reserveSendSlots(db, {
    shopId: shop.id,
    perSecond: settings.messagesPerSecond,
    count: claimed.length,
    nowMs: Date.now(),
  });
  const accepted: { id: string; providerMessageId: string }[] = [];
  const failed: { claim: (typeof claimed)[number]; error: ProviderError }[] = [];
  // Texts to one number go one after the other, in the order they were written (a STOP
  // confirmation before the START one); different numbers in parallel.
  const byNumber = new Map<string, { claim: (typeof claimed)[number]; slot: number }[]>();
  claimed.forEach((claim, k) => {
    const number = claim.recipient.phone!;
    byNumber.set(number, [...(byNumber.get(number) ?? []), { claim, slot: slots[k]! }]);
  });
  await eachBounded([...byNumber.values()], SEND_CONCURRENCY, async (texts) => {
    for (const { claim, slot } of texts) await sendOne(claim, slot);
  });
  async function sendOne(claim: (typeof claimed)[number], slot: number) {
    const wait = slot - Date.now();
    if (wait > 0) await deps.pacer.sleep(wait);
    const { message, recipient, body } = claim;
    try {
      const sent = await provider.send({
        to: recipient.phone!,
        body,
        messageId: message.id,
        statusCallbackUrl: `${deps.appUrl.replace(/\/$/, "")}/twilio/status/${message.id}`,
      });
      accepted.push({ id: message.id, providerMessageId: sent.providerMessageId });
    } catch (error) {
      // Unknown: the job retries, and reconciles first.
      if (!(error instanceof ProviderError)) results.set(message.id, asError(error));
      else failed.push({ claim, error });
    }
  }
  // "sent" only once recorded: if this write fails the jobs are retried and find them at the provider.
  const { recorded, errors } = await recordAccepted(db, provider.name, accepted, now);
  for (const id of recorded) results.set(id, "sent");
  for (const [id, error] of errors) results.set(id, error);
  for (const { claim, error } of failed) {
    const { message, recipient } = claim;
    results.set(
      message.id,
      await handleProviderError(deps, message.id, message.attempts + 1, { shopId: shop.id, ...recipient }, error, now),
    );
  }
}

/**
 * Which recipients of the batch have had a marketing text accepted before (the opt-out line
 * goes in the first one): one grouped query for shoppers, one for bare numbers.
 */
async function textedBefore(db: Db, shopId: string, recipients: Recipient[]) {
  const customerIds = [...new Set(recipients.flatMap((r) => (r.customerId ? [r.customerId] : [])))];
  const phones = [...new Set(recipients.flatMap((r) => (!r.customerId && r.phone ? [r.phone] : [])))];
  const where = { shopId, purpose: "marketing", status: { in: ["SENT" as const, "DELIVERED" as const] } };
  const [byCustomer, byPhone] = await Promise.all([
    customerIds.length
      ? db.message.groupBy({ by: ["customerId"], where: { ...where, customerId: { in: customerIds } } })
      : [],
    phones.length ? db.message.groupBy({ by: ["phone"], where: { ...where, phone: { in: phones } } }) : [],
  ]);
  const customers = new Set(byCustomer.map((g) => g.customerId));
  const numbers = new Set(byPhone.map((g) => g.phone));
  return (r: Recipient) => (r.customerId ? customers.has(r.customerId) : numbers.has(r.phone));
}

/** Runs `work` over `items`, at most `limit` at a time. */
async function eachBounded<T>(items: T[], limit: number, work: (item: T) => Promise<void>) {
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const k = next++;
      await work(items[k]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
}

/**
 * The provider has the messages: SENT (the local outbox "delivers" at once: DELIVERED). Each
 * row on its own (one statement each, in parallel over the pool; no transaction to outlast
 * on a loaded database): one that fails to be written stays SENDING and its retried job
 * finds it at the provider. Returns the ids recorded.
 */
async function recordAccepted(
  db: Db,
  providerName: string,
  accepted: { id: string; providerMessageId: string }[],
  now: Date,
): Promise<{ recorded: string[]; errors: Map<string, Error> }> {
  const delivered = providerName === "outbox";
  const writes = await Promise.allSettled(
    accepted.map(({ id, providerMessageId }) =>
      db.message.update({
        where: { id },
        data: {
          status: delivered ? "DELIVERED" : "SENT",
          provider: providerName,
          providerMessageId,
          deliveredAt: delivered ? now : null,
          error: null,
        },
        select: { id: true },
      }),
    ),
  );
  const recorded = accepted.filter((_, k) => writes[k]!.status === "fulfilled").map((a) => a.id);
  const errors = new Map(
    accepted.flatMap((a, k) => {
      const w = writes[k]!;
      return w.status === "rejected" ? [[a.id, asError(w.reason)] as const] : [];
    }),
  );
  if (delivered && recorded.length)
    await db.deliveryEvent.createMany({
      data: recorded.map((messageId) => ({ messageId, status: "delivered", at: now })),
    });
  return { recorded, errors };
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
      origin: "live",
      at: now,
      ref: messageId,
    });
  } else if (error.reason === "invalid_number" && customerId) {
    await db.customer.update({ where: { id: customerId }, data: { phone: null, phoneRaw: phone } });
    await refreshCustomerSegments(db, shopId, customerId, now, { cause: "consent", ref: messageId });
  }
  return "failed";
}
