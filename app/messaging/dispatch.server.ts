import type { Db } from "../db.server";
import type { AppServices } from "../services";
import { enqueueSend, sendJobOptions } from "../schedule/messages.server";
import { SECOND } from "../clock";
import { QUEUES } from "../jobs/queue.server";
import { recordConsent } from "../consent/ledger.server";
import { shopSenderName } from "../shop-name";
import { refreshCustomerSegments } from "../segments/membership.server";
import { trackLinksMany } from "../tracking/links.server";
import { composeBody, type ComposeInput } from "./compliance";
import { checkGatesBatch, type GateDecision, type Recipient } from "./gates.server";
import { recentMarketing, type RecentAsk } from "./cap-gate.server";
import { consentFacts, type ConsentAsk } from "../consent/gate.server";
import { lockRecipients, unlockRecipients, unlockStatement } from "./recipient-lock.server";
import { reserveSendSlotsForShops } from "./send-pace.server";
import { bindsPurpose } from "./rules";
import { numberCountry } from "../contacts/phone";
import { PROVIDER_TIMEOUT_MS, ProviderError } from "../sms/provider";
import type { ProviderRegistry } from "../sms/registry.server";
import { encodeSms } from "./sms-encoding";
import {
  readDispatchMessages,
  readDispatchShops,
  type DispatchMessage,
  type DispatchShop,
} from "./dispatch-reads.server";
import { Prisma } from "../generated/sqlite/client";
import { isPostgres, typedValue, updateRows } from "../db/update-rows.server";
import { valueList } from "../db/insert-rows.server";
import { sqlOn } from "../db/driver.server";
import { log } from "../observability/log.server";
import { afterConsentChange } from "../consent/after-change.server";
import { Lockstep, type Party } from "./lockstep";

const MAX_ATTEMPTS = 6;

/**
 * A claimed text is its claimer's until its provider call must have ended: its paced slot,
 * plus the provider's timeout, plus this margin (clocks of two hosts, a late timer). Until
 * then the claim's `claimedUntil` keeps any other run of its job away (a job the job engine retried
 * while the first run still held it: a missed heartbeat while the database restarted); after
 * it, the claimer no longer calls the provider, and another run may ask the provider and
 * re-claim. A claimer that finds itself past its slot by more than half the margin renews its
 * claim while it still holds (renewClaim), and otherwise leaves the text to that run.
 */
const CLAIM_MARGIN_MS = 10 * SECOND;

/**
 * A kept slot (keepSlotsForLater) already past by more than this is not used: the run came
 * late (a busy or stopped worker), and every text kept that long ago going at once would
 * break the shop's pace. Such a text reserves a new slot.
 */
const KEPT_SLOT_TOLERANCE_MS = SECOND;

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
export const SEND_CONCURRENCY = Number(process.env.SEND_CONCURRENCY) || 16;

/**
 * The send jobs, a batch at a time. State is recorded before the provider call (SENDING,
 * with the exact text) and after it (SENT / FAILED), per message, so a crash at any point is
 * recoverable without a duplicate: a message found in SENDING is first looked up at the
 * provider, and resent only if the provider never accepted it (docs/decisions/004).
 *
 * The batch is a few statements whatever its size: its messages with their recipients and its
 * shops, one statement each; then the shops side by side, each deciding every gate for all its
 * texts at once (messaging/gates `checkGatesBatch`) and making its provider calls with bounded
 * concurrency, and meeting (in lockstep: batchSteps) at the statements they all make, made once
 * for the batch: the send locks, the first-text flags, consent's suppressions and facts and the
 * caps' recent marketing texts (every shop's gates ask for both, even with nothing to ask), the paced slots (shared with every
 * worker, messaging/send-pace), the SENDING claims with the unlock (one conditional UPDATE,
 * db/update-rows) and the results (one UPDATE). Each statement commits on its own,
 * every row in it conditional as a row of its own would be (not one transaction: a 50-row
 * transaction outlasted Prisma's 5 s limit on a loaded machine and was rolled back whole).
 * Every outcome is returned per id; an unexpected error is returned (not thrown) for its
 * message alone.
 */
export async function sendMessages(
  deps: AppServices,
  messageIds: readonly string[],
): Promise<Map<string, SendOutcome | Error>> {
  const results = new Map<string, SendOutcome | Error>();
  const ids = [...new Set(messageIds)];
  const active = (await readDispatchMessages(deps.db, ids)).sort(
    (a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a.id.localeCompare(b.id),
  );
  for (const id of ids) results.set(id, "noop");
  const shops = new Map<string, MessageRow[]>();
  for (const m of active) shops.set(m.shopId, [...(shops.get(m.shopId) ?? []), m]);
  const shopRows = await readDispatchShops(deps.db, [...shops.keys()]);
  const now = deps.clock.now();
  const lockstep = new Lockstep(shops.size);
  const steps = batchSteps(deps.db, lockstep, now);
  await Promise.all(
    [...shops].map(async ([shopId, messages]) => {
      const party = lockstep.party();
      try {
        const shop = shopRows.get(shopId);
        if (!shop) throw new Error(`shop ${shopId} or its settings not found`);
        await sendShopBatch({ deps, shop, messages, results, now, batch: { party, steps } });
      } catch (error) {
        // Not one message's trouble (the shop's settings, the database): every message of this
        // shop not yet settled is retried by its job.
        for (const m of messages) if (results.get(m.id) === "noop") results.set(m.id, asError(error));
      } finally {
        party.leave();
      }
    }),
  );
  return results;
}

/**
 * The statements every shop of a batch makes, made once for all of them (messaging/lockstep):
 * the send locks, the first-text flags, consent's suppressions and facts, the caps' recent
 * marketing texts, the paced slots, the claims (with the locks' release) and the results.
 * A shop's gates, pacing and provider calls stay its own; each row of a shared statement is
 * as conditional as it was alone, and a shared statement that fails fails each shop's texts
 * in it as its own statement would have.
 */
function batchSteps(db: Db, lockstep: Lockstep, now: Date) {
  return {
    lock: lockstep.step(async (asks: string[][]) => {
      const locked = new Set(await lockRecipients(db, asks.flat(), now));
      return asks.map((ids) => ids.filter((id) => locked.has(id)));
    }),
    texted: lockstep.step((asks: { shopId: string; recipients: Recipient[] }[]) => textedBefore(db, asks)),
    consent: lockstep.step((asks: ConsentAsk[]) => consentFacts(db, asks)),
    recent: lockstep.step((asks: RecentAsk[]) => recentMarketing(db, asks)),
    slots: lockstep.step((asks: Parameters<typeof reserveSendSlotsForShops>[1]) => reserveSendSlotsForShops(db, asks)),
    claim: lockstep.step(async (asks: { rows: ClaimRow[]; lockIds: string[] }[]) => {
      const claimed = new Set(
        await claimTexts(db, {
          rows: asks.flatMap((a) => a.rows),
          lockIds: asks.flatMap((a) => a.lockIds),
          now,
        }),
      );
      return asks.map(() => claimed);
    }),
    record: lockstep.step(async (asks: Accepted[][]) => {
      const { recorded, errors } = await recordAccepted({ db, accepted: asks.flat(), now });
      const done = new Set(recorded);
      return asks.map((accepted) => ({
        recorded: accepted.flatMap((a) => (done.has(a.id) ? [a.id] : [])),
        errors: new Map(accepted.flatMap((a) => (errors.has(a.id) ? [[a.id, errors.get(a.id)!] as const] : []))),
      }));
    }),
  };
}

type BatchSteps = ReturnType<typeof batchSteps>;
/** A shop's part in its batch's shared statements. */
type InBatch = { party: Party; steps: BatchSteps };

type MessageRow = DispatchMessage;
type ShopRow = DispatchShop;
type Provider = Awaited<ReturnType<ProviderRegistry["forShop"]>>;
const laterOf = (a: Date | null, b: Date | null) => (a && b ? (a > b ? a : b) : (a ?? b));
const asError = (error: unknown) => (error instanceof Error ? error : new Error(String(error)));

async function sendShopBatch({
  deps,
  shop,
  messages,
  results,
  now,
  batch: inBatch,
}: {
  deps: AppServices;
  shop: ShopRow;
  messages: MessageRow[];
  results: Map<string, SendOutcome | Error>;
  now: Date;
  batch: InBatch;
}): Promise<void> {
  const { db } = deps;
  const provider = await deps.providers.forShop(shop.id, shop.settings);

  const due: MessageRow[] = [];
  for (const message of messages) {
    // Not due yet: a retry waiting out its backoff, a job woken early (clocks of two processes
    // disagree), or a text another run has claimed and may be sending right now (its claim
    // holds it until `claimedUntil`: CLAIM_MARGIN_MS). Queue again for then, not under this
    // job's dedupe key, which is still taken until this job finishes.
    const notBefore = laterOf(message.dueAt, message.status === "SENDING" ? message.claimedUntil : null);
    if (notBefore && notBefore > now) {
      await deps.queue.enqueue(QUEUES.sendMessage, { messageId: message.id }, { runAt: notBefore });
      continue;
    }
    if (message.status === "SENDING" && message.phone && message.sentAt) {
      // A crash left it claimed: ask the provider before anything is sent again (rare path, one by one).
      try {
        const found = await provider.findSent({ to: message.phone, body: message.body, since: message.sentAt });
        if (found) {
          const { errors } = await recordAccepted({
            db,
            accepted: [{ id: message.id, providerMessageId: found.providerMessageId, providerName: provider.name }],
            now,
          });
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

  const recipientOf = (message: MessageRow): Recipient | null => {
    if (!message.customerId)
      return { customerId: null, phone: message.phone, countryCode: null, smsConsent: "NOT_SUBSCRIBED" };
    const customer = message.customer;
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
  const locked = new Set(await inBatch.party.call(inBatch.steps.lock, [...wanted.keys()]));
  for (const [customerId, m] of wanted) if (!locked.has(customerId)) later.push(m);
  if (later.length) {
    const runAt = new Date(now.getTime() + 2 * SECOND);
    await deps.queue.enqueueMany(
      QUEUES.sendMessage,
      later.map((m) => ({ payload: { messageId: m.id }, options: { runAt } })),
    );
  }
  for (const m of later) results.set(m.id, "deferred");
  const deferred = new Set(later);
  // The send locks are needed until the claims are committed (the caps counted under them
  // then see the claimed texts); released with the claims, or here if that never came.
  let unlocked: Promise<void> | null = null;
  const locks = {
    ids: [...locked],
    unlock: () => (unlocked ??= locked.size ? unlockRecipients(db, [...locked]) : Promise.resolve()),
    releasedWithClaims: () => void (unlocked ??= Promise.resolve()),
  };
  try {
    const batch = due.filter((m) => !deferred.has(m)).map((message) => ({ message, recipient: recipientOf(message) }));
    await gateAndSend(deps, { shop, settings: shop.settings, provider, now, batch, results, locks, inBatch });
  } finally {
    await locks.unlock();
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
    settings: ShopRow["settings"];
    provider: Provider;
    now: Date;
    batch: Item[];
    results: Map<string, SendOutcome | Error>;
    locks: { ids: string[]; unlock: () => Promise<void>; releasedWithClaims: () => void };
    inBatch: InBatch;
  },
): Promise<void> {
  const { db } = deps;
  const { shop, settings, provider, now, batch, results, inBatch } = s;
  // The first-text flags need only the recipients: read beside the gates (a text the gates
  // stop just does not use its flag).
  const [outcomes, texted] = await Promise.all([
    checkGatesBatch(
      db,
      batch.map(({ message, recipient }) => ({ message, recipient, settings, shop, now })),
      {
        consentFacts: (ask) => inBatch.party.call(inBatch.steps.consent, ask),
        recentMarketing: (ask) => inBatch.party.call(inBatch.steps.recent, ask),
      },
    ),
    inBatch.party.call(inBatch.steps.texted, {
      shopId: shop.id,
      recipients: batch.flatMap((b) => (b.message.status !== "SENDING" && b.recipient ? [b.recipient] : [])),
    }),
  ]);
  const passed: (Item & { decisions: object[] })[] = [];
  const stopped: Stopped[] = [];
  for (const [k, { message, recipient }] of batch.entries()) {
    const gates = outcomes[k]!;
    const previous = (message.gateDecisions as GateDecision[] | null) ?? [];
    const decisions = [...previous, ...gates.decisions].slice(-40) as object[];
    if (gates.action === "defer")
      stopped.push({ key: message.id, status: "HELD", dueAt: gates.until, gateDecisions: decisions });
    else if (gates.action === "refuse")
      stopped.push({ key: message.id, status: "SUPPRESSED", error: gates.reason, gateDecisions: decisions });
    else passed.push({ message, recipient, decisions });
  }
  if (stopped.length) await holdOrSuppress(deps, stopped, results);
  if (passed.length === 0) return;

  // The paced slots are reserved before the claims, so that each claim can say how long it
  // holds its text (a slot a lost claim leaves unused only delays the shop's next text). A text
  // an earlier run kept a slot for uses it while it is still to come.
  const sendTime = deps.pacer.now();
  // A moment of the sending clock in the clock `now` is read from (the queue's and claims').
  const inQueueClock = (pacerMs: number) => new Date(now.getTime() + (pacerMs - sendTime));
  const kept = passed.map(({ message }) => {
    const at = message.pacedSlotAt?.getTime();
    return at !== undefined && at >= sendTime - KEPT_SLOT_TOLERANCE_MS ? at : null;
  });
  const reserved = await inBatch.party.call(inBatch.steps.slots, {
    shopId: shop.id,
    perSecond: settings.messagesPerSecond,
    count: kept.filter((at) => at === null).length,
    nowMs: sendTime,
  });
  let next = 0;
  const slotted = passed.map((p, k) => ({ ...p, slot: kept[k] ?? reserved[next++]! }));
  // A text whose slot is further off than the pacer's horizon is not waited for here (the batch
  // would hold every other shop's texts fetched with it): it keeps its slot and is queued for it.
  // A SENDING one (re-claimed after a crash) goes in this batch whatever its slot.
  const beyond = (p: (typeof slotted)[number]) =>
    p.slot > sendTime + deps.pacer.horizonMs && p.message.status !== "SENDING";
  const later = slotted.filter(beyond);
  if (later.length) await keepSlotsForLater(deps, { later, inQueueClock, results });
  const current = slotted.filter((p) => !beyond(p));
  if (current.length === 0) return;

  // The exact text: template output + compliance additions + tracked links. Fixed once,
  // at the first claim, so a resend after a crash sends (and finds) the same text.
  const fresh = current.filter((p) => p.message.status !== "SENDING");
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
  const claims = current.map(({ message, recipient, decisions, slot }) => {
    const body = bodyOf.get(message.id) ?? message.body;
    // Held by this claim until its call must have ended (CLAIM_MARGIN_MS).
    const heldUntil = inQueueClock(Math.max(slot, sendTime) + PROVIDER_TIMEOUT_MS + CLAIM_MARGIN_MS);
    return { message, recipient: recipient!, body, decisions, encoding: encodeSms(body), slot, heldUntil };
  });
  // SENDING with the exact text, every claim of the batch (every shop's: batchSteps) committed
  // in one statement, each row conditional on the status and attempts read, before any provider
  // call. A claim that fails leaves this shop's batch to its jobs' retries (sendMessages), which
  // ask the provider first. The send locks are released with the claims.
  const claimedIds = await inBatch.party.call(inBatch.steps.claim, {
    lockIds: s.locks.ids,
    rows: claims.map(({ message, recipient, body, decisions, encoding, heldUntil }) => ({
      key: message.id,
      status: message.status,
      attempts: message.attempts,
      body,
      phone: recipient.phone,
      gateDecisions: decisions,
      encoding: encoding.encoding,
      segments: encoding.segments,
      cost: encoding.segments * Number(settings.costPerSegment),
      claimedUntil: heldUntil,
    })),
  });
  s.locks.releasedWithClaims();
  const claimed = claims.filter((c) => claimedIds.has(c.message.id)); // not claimed: another worker has it
  const accepted: Accepted[] = [];
  const failed: { claim: (typeof claimed)[number]; error: ProviderError }[] = [];
  // Texts to one number go one after the other, in the order they were written (a STOP
  // confirmation before the START one); different numbers in parallel.
  const byNumber = new Map<string, (typeof claimed)[number][]>();
  for (const claim of claimed) {
    const number = claim.recipient.phone!;
    byNumber.set(number, [...(byNumber.get(number) ?? []), claim]);
  }
  await eachBounded([...byNumber.values()], SEND_CONCURRENCY, async (texts) => {
    for (const claim of texts) await sendOne(claim);
  });
  async function sendOne(claim: (typeof claimed)[number]) {
    const { message, recipient, body, slot } = claim;
    const wait = slot - deps.pacer.now();
    if (wait > 0) await deps.pacer.sleep(wait);
    const late = deps.pacer.now() - slot;
    if (late > CLAIM_MARGIN_MS / 2) {
      // Late for its slot (a slow provider ahead of it, a frozen process): the call would end
      // after the claim, so the claim is renewed first, only while it still holds by half the
      // margin (no other run can have taken it). Otherwise it is left SENDING for the job's
      // retry, which asks the provider once the claim has run out.
      const at = inQueueClock(deps.pacer.now());
      if (!(await renewClaim(db, { id: message.id, attempts: message.attempts + 1, at }))) {
        results.set(message.id, new Error(`send ${message.id} outlived its claim; left to its retry`));
        return;
      }
    }
    try {
      const sent = await provider.send({
        to: recipient.phone!,
        body,
        messageId: message.id,
        statusCallbackUrl: `${deps.appUrl.replace(/\/$/, "")}/twilio/status/${message.id}`,
      });
      accepted.push({ id: message.id, providerMessageId: sent.providerMessageId, providerName: provider.name });
    } catch (error) {
      // Unknown: the job retries, and reconciles first.
      if (!(error instanceof ProviderError)) results.set(message.id, asError(error));
      else failed.push({ claim, error });
    }
  }
  // "sent" only once recorded: if this write fails the jobs are retried and find them at the provider.
  const { recorded, errors } = await inBatch.party.call(inBatch.steps.record, accepted);
  for (const id of recorded) results.set(id, "sent");
  for (const [id, error] of errors) results.set(id, error);
  for (const { claim, error } of failed) {
    const { message, recipient } = claim;
    results.set(
      message.id,
      await handleProviderError({
        deps,
        messageId: message.id,
        attempts: message.attempts + 1,
        recipient: { shopId: shop.id, ...recipient },
        error,
        now,
      }),
    );
  }
}

/** A text's claim: the row the claims statement writes for it (conditional on `status` and `attempts`). */
type ClaimRow = {
  key: string;
  status: string;
  attempts: number;
  body: string;
  phone: string | null;
  gateDecisions: object[];
  encoding: string;
  segments: number;
  cost: number;
  claimedUntil: Date;
};

/**
 * The claims: SENDING with the exact text, in one conditional UPDATE (db/update-rows); returns
 * the ids claimed (a row not claimed: another run changed it since it was read). The send
 * locks `lockIds` are released with them: on PostgreSQL in the same statement (committed with
 * the claims, no round trip of its own), on SQLite right after it.
 */
async function claimTexts(db: Db, c: { rows: ClaimRow[]; lockIds: string[]; now: Date }): Promise<string[]> {
  const unlockWithClaims = isPostgres() && c.lockIds.length > 0;
  const claimed = await updateRows(db, {
    table: "Message",
    columns: {
      status: { enum: "MessageStatus" },
      attempts: "int",
      body: "text",
      phone: "text",
      gateDecisions: "json",
      encoding: "text",
      segments: "int",
      cost: "decimal",
      claimedUntil: "timestamp",
    },
    rows: c.rows,
    set: Prisma.sql`"status" = 'SENDING', "attempts" = "Message"."attempts" + 1, "sentAt" = ${typedValue(c.now, "timestamp")},
      "body" = v."body", "phone" = v."phone", "gateDecisions" = v."gateDecisions", "encoding" = v."encoding",
      "segments" = v."segments", "cost" = v."cost", "claimedUntil" = v."claimedUntil", "pacedSlotAt" = NULL, "updatedAt" = ${typedValue(new Date(), "timestamp")}`,
    where: Prisma.sql`"Message"."status" = v."status" AND "Message"."attempts" = v."attempts"`,
    alongside: unlockWithClaims ? unlockStatement(c.lockIds) : undefined,
  });
  if (!unlockWithClaims) await unlockRecipients(db, c.lockIds);
  return claimed;
}

/**
 * Extends a claim that still holds at `at` by at least half the margin to a whole provider call
 * from `at`; false when it does not (another run may own the text by now).
 */
async function renewClaim(db: AppServices["db"], { id, attempts, at }: { id: string; attempts: number; at: Date }) {
  const { count } = await db.message.updateMany({
    where: { id, status: "SENDING", attempts, claimedUntil: { gt: new Date(at.getTime() + CLAIM_MARGIN_MS / 2) } },
    data: { claimedUntil: new Date(at.getTime() + PROVIDER_TIMEOUT_MS + CLAIM_MARGIN_MS) },
  });
  return count === 1;
}

/**
 * Texts whose paced slot is beyond the horizon: each keeps its slot (`pacedSlotAt`, written
 * only while the text is as this run read it) and is queued for half the horizon before it,
 * when its run will wait for it. Their gates are decided again then.
 */
async function keepSlotsForLater(
  deps: AppServices,
  b: {
    later: { message: MessageRow; slot: number }[];
    inQueueClock: (pacerMs: number) => Date;
    results: Map<string, SendOutcome | Error>;
  },
) {
  const kept = new Set(
    await updateRows(deps.db, {
      table: "Message",
      columns: { status: { enum: "MessageStatus" }, attempts: "int", pacedSlotAt: "timestamp" },
      rows: b.later.map(({ message, slot }) => ({
        key: message.id,
        status: message.status,
        attempts: message.attempts,
        pacedSlotAt: new Date(slot),
      })),
      set: Prisma.sql`"pacedSlotAt" = v."pacedSlotAt", "updatedAt" = ${typedValue(new Date(), "timestamp")}`,
      where: Prisma.sql`"Message"."status" = v."status" AND "Message"."attempts" = v."attempts"`,
    }),
  );
  const lead = deps.pacer.horizonMs / 2;
  const queued = b.later.filter(({ message }) => kept.has(message.id));
  await deps.queue.enqueueMany(
    QUEUES.sendMessage,
    queued.map(({ message, slot }) => ({
      payload: { messageId: message.id },
      options: sendJobOptions(message.id, b.inQueueClock(slot - lead)),
    })),
  );
  // Not kept: another run changed the text since it was read, and that run settles it.
  for (const { message } of b.later) b.results.set(message.id, kept.has(message.id) ? "deferred" : "noop");
}

/** A text a gate stopped: held until `dueAt`, or suppressed with `error`. */
type Stopped = {
  key: string;
  status: "HELD" | "SUPPRESSED";
  dueAt?: Date;
  error?: string;
  gateDecisions: object[];
};

/**
 * The texts the gates stopped, in one statement: HELD until a gate allows them (their sends
 * queued for then, in one insert) or SUPPRESSED for good, with the decisions that said so.
 */
async function holdOrSuppress(deps: AppServices, stopped: Stopped[], results: Map<string, SendOutcome | Error>) {
  await updateRows(deps.db, {
    table: "Message",
    columns: { status: { enum: "MessageStatus" }, dueAt: "timestamp", error: "text", gateDecisions: "json" },
    rows: stopped,
    set: Prisma.sql`"status" = v."status", "dueAt" = COALESCE(v."dueAt", "Message"."dueAt"),
      "error" = COALESCE(v."error", "Message"."error"), "gateDecisions" = v."gateDecisions",
      "updatedAt" = ${typedValue(new Date(), "timestamp")}`,
  });
  const held = stopped.filter((m) => m.status === "HELD");
  if (held.length)
    await deps.queue.enqueueMany(
      QUEUES.sendMessage,
      held.map(({ key, dueAt }) => ({ payload: { messageId: key }, options: sendJobOptions(key, dueAt!) })),
    );
  for (const m of stopped) results.set(m.key, m.status === "HELD" ? "deferred" : "refused");
}

/**
 * Which recipients of the batch (of every shop in it) have had a marketing text accepted
 * before (the opt-out line goes in the first one): one query for shoppers, one for bare
 * numbers; a shop's answer about its recipients each.
 */
async function textedBefore(
  db: Db,
  asks: { shopId: string; recipients: Recipient[] }[],
): Promise<((r: Recipient) => boolean)[]> {
  const shopIds = [...new Set(asks.filter((a) => a.recipients.length).map((a) => a.shopId))];
  const customerIds = [
    ...new Set(asks.flatMap((a) => a.recipients.flatMap((r) => (r.customerId ? [r.customerId] : [])))),
  ];
  const numbers = new Map<string, string[]>(); // by shop
  for (const { shopId, recipients } of asks)
    for (const r of recipients)
      if (!r.customerId && r.phone) numbers.set(shopId, [...(numbers.get(shopId) ?? []), r.phone]);
  // On the driver adapter: Prisma compiles every statement anew (messaging/dispatch-reads).
  const marketingAccepted = Prisma.sql`"purpose" = 'marketing' AND "status" IN ('SENT', 'DELIVERED')`;
  const [byCustomer, byPhone] = await Promise.all([
    customerIds.length
      ? sqlOn(db).query<{ v: string }>(Prisma.sql`SELECT DISTINCT "customerId" AS "v" FROM "Message"
          WHERE "shopId" IN (${valueList(shopIds)}) AND "customerId" IN (${valueList(customerIds)})
            AND ${marketingAccepted}`)
      : [],
    numbers.size
      ? sqlOn(db).query<{ v: string }>(Prisma.sql`SELECT DISTINCT "shopId" || ' ' || "phone" AS "v" FROM "Message"
          WHERE (${Prisma.join(
            [...numbers].map(
              ([shopId, phones]) => Prisma.sql`("shopId" = ${shopId} AND "phone" IN (${valueList(phones)}))`,
            ),
            " OR ",
          )}) AND ${marketingAccepted}`)
      : [],
  ]);
  const customers = new Set(byCustomer.map((g) => g.v));
  const texted = new Set(byPhone.map((g) => g.v));
  return asks.map(
    ({ shopId }) =>
      (r: Recipient) =>
        r.customerId ? customers.has(r.customerId) : texted.has(`${shopId} ${r.phone}`),
  );
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

/** A text the provider accepted, and which provider (a batch's shops may use different ones). */
type Accepted = { id: string; providerMessageId: string; providerName: string };

/**
 * The provider has the messages: SENT (the local outbox "delivers" at once: DELIVERED), in
 * one statement. If it fails, the messages stay SENDING and their retried jobs find them at
 * the provider. Returns the ids recorded, or the error for every one.
 */
async function recordAccepted({
  db,
  accepted,
  now,
}: {
  db: Db;
  accepted: Accepted[];
  now: Date;
}): Promise<{ recorded: string[]; errors: Map<string, Error> }> {
  const delivered = (a: Accepted) => a.providerName === "outbox";
  let recorded: string[];
  try {
    recorded = await updateRows(db, {
      table: "Message",
      columns: {
        providerMessageId: "text",
        provider: "text",
        status: { enum: "MessageStatus" },
        deliveredAt: "timestamp",
      },
      rows: accepted.map((a) => ({
        key: a.id,
        providerMessageId: a.providerMessageId,
        provider: a.providerName,
        status: delivered(a) ? "DELIVERED" : "SENT",
        deliveredAt: delivered(a) ? now : null,
      })),
      set: Prisma.sql`"status" = v."status", "provider" = v."provider", "providerMessageId" = v."providerMessageId",
        "deliveredAt" = v."deliveredAt", "error" = NULL, "updatedAt" = ${typedValue(new Date(), "timestamp")}`,
    });
  } catch (error) {
    return { recorded: [], errors: new Map(accepted.map((a) => [a.id, asError(error)])) };
  }
  const done = new Set(recorded);
  const deliveredIds = accepted.filter((a) => delivered(a) && done.has(a.id)).map((a) => a.id);
  if (deliveredIds.length)
    await db.deliveryEvent.createMany({
      data: deliveredIds.map((messageId) => ({ messageId, status: "delivered", at: now })),
    });
  return { recorded, errors: new Map() };
}

async function handleProviderError({
  deps,
  messageId,
  attempts,
  recipient,
  error,
  now,
}: {
  deps: AppServices;
  messageId: string;
  attempts: number;
  recipient: Recipient & { shopId: string };
  error: ProviderError;
  now: Date;
}): Promise<SendOutcome> {
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
    await refreshCustomerSegments({ db, shopId, customerId, now, cause: { cause: "consent", ref: messageId } });
  }
  return "failed";
}
