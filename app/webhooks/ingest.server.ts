import type { Db } from "../db.server";
import { duplicateAsNull } from "../db/unique-violation";
import { QUEUES, type JobQueue } from "../jobs/queue.server";
import { log } from "../observability/log.server";
import { BODY_LIMITS, payloadTooLarge, readBoundedBody, withBody } from "../http/bounded-body.server";
import { checkPayload, normaliseTopic } from "../shopify-topics";
import { inboxSubjectKeys } from "../privacy/inbox-subjects";
import { parseShopifyJson } from "./json";
import { webhookJobKey } from "./inbox-queue.server";

/**
 * The largest webhook body accepted. Anything bigger is refused after at most this many
 * bytes have been read (app/http/bounded-body.server.ts), unstored, so a flood of huge
 * bodies can neither fill memory nor the inbox.
 */
export const MAX_WEBHOOK_BYTES = BODY_LIMITS.webhook;

/**
 * What makes two deliveries the same: Shopify documents X-Shopify-Event-Id as the duplicate
 * key ("the same value across more than one webhook indicates a duplicate", also one per
 * subscription to a topic), so it wins; the webhook id is the fallback when a delivery has no
 * event id. The topic is part of the key so one event fanned out to two topics is two rows.
 */
export function inboxDedupeKey(d: { topic: string; webhookId: string; eventId?: string | null }): string {
  return d.eventId ? `event:${d.topic}:${d.eventId}` : `webhook:${d.webhookId}`;
}

/** The part of `authenticate.webhook` ingestion relies on. */
export type AuthenticateWebhook = (request: Request) => Promise<{
  shop: string;
  topic: string;
  webhookId: string;
  apiVersion: string;
  payload: unknown;
  triggeredAt?: string;
  eventId?: string;
}>;

export interface IngestDeps {
  authenticate: AuthenticateWebhook;
  db: Db;
  queue: JobQueue;
}

/**
 * Verify, store, answer: the whole of a webhook request's synchronous work (a worker queues
 * the stored row's processing, webhooks/inbox-queue).
 * - body over MAX_WEBHOOK_BYTES (declared or counted while streaming) → 413, nothing stored;
 * - bad HMAC → 401 (from authenticate.webhook), nothing stored;
 * - valid HMAC but unparsable or incomplete body → 400 with the reason, stored as REJECTED;
 * - duplicate (same shop + event id, or webhook id without one) → 200, not stored or processed again;
 * - otherwise stored as RECEIVED (one INSERT) and processed by a worker.
 */
export async function ingestWebhook(request: Request, deps: IngestDeps): Promise<Response> {
  const body = await readBoundedBody(request, MAX_WEBHOOK_BYTES);
  if (!body.ok) return tooLarge(request, body.bytes);
  const raw = body.text;
  let context: Awaited<ReturnType<AuthenticateWebhook>>;
  try {
    context = await deps.authenticate(withBody(request, raw));
  } catch (error) {
    if (error instanceof Response) {
      logRejection(request, error.status, error.status === 401 ? "invalid or missing HMAC" : "not a webhook request");
      return error;
    }
    if (error instanceof SyntaxError) {
      // The signature was valid (authenticate parses only after verifying), the JSON is not.
      // The parser's message quotes the body (personal data): neither the log nor the stored
      // reason keeps the quote, only where the parser stopped.
      logRejection(request, 400, "malformed JSON");
      return reject(deps.db, request, raw, `malformed JSON: ${withoutExcerpt(error.message)}`);
    }
    throw error;
  }
  const topic = normaliseTopic(context.topic);
  const check = checkPayload(topic, context.payload);
  if (!check.ok) {
    logRejection(request, 400, check.reason);
    return reject(deps.db, request, raw, check.reason);
  }

  const dedupeKey = inboxDedupeKey({ topic, webhookId: context.webhookId, eventId: context.eventId });
  const row = await deps.db.webhookInbox
    .create({
      data: {
        shopDomain: context.shop,
        topic,
        webhookId: context.webhookId,
        eventId: context.eventId ?? null,
        dedupeKey,
        apiVersion: context.apiVersion,
        triggeredAt: parseDate(context.triggeredAt),
        payload: raw,
        // Who the body names, for customers/redact (written with the row, in one statement).
        subjects: { create: subjectRows(context.shop, topic, parseOrNull(raw)) },
      },
      select: { id: true },
    })
    .catch(duplicateAsNull);
  // Stored: that is the whole of it. A worker queues its processing (webhooks/inbox-queue).
  if (row) return new Response(null, { status: 200 });
  // A duplicate. If the first delivery is still waiting (its job lost, or not yet queued),
  // queue it now rather than wait for the workers' re-queue; the job's dedupe key makes this
  // a no-op otherwise.
  const first = await deps.db.webhookInbox.findUnique({
    where: { shopDomain_dedupeKey: { shopDomain: context.shop, dedupeKey } },
    select: { id: true, status: true },
  });
  if (first?.status === "RECEIVED") await enqueueProcessing(deps, first.id);
  return new Response(null, { status: 200, headers: { "X-Webhook-Duplicate": "1" } });
}

const enqueueProcessing = (deps: IngestDeps, inboxId: string) =>
  deps.queue.enqueue(QUEUES.processWebhook, { inboxId }, { dedupeKey: webhookJobKey(inboxId) });

async function reject(db: Db, request: Request, raw: string, reason: string): Promise<Response> {
  const h = request.headers;
  const shopDomain = h.get("x-shopify-shop-domain") ?? "unknown";
  const webhookId = h.get("x-shopify-webhook-id") ?? `rejected-${crypto.randomUUID()}`;
  const topic = normaliseTopic(h.get("x-shopify-topic") ?? "unknown");
  const eventId = h.get("x-shopify-event-id");
  await db.webhookInbox
    .create({
      data: {
        shopDomain,
        topic,
        webhookId,
        eventId,
        dedupeKey: inboxDedupeKey({ topic, webhookId, eventId }),
        apiVersion: h.get("x-shopify-api-version"),
        payload: raw.slice(0, 1_000_000),
        status: "REJECTED",
        error: reason,
        subjects: { create: subjectRows(shopDomain, topic, parseOrNull(raw)) },
      },
    })
    .catch(duplicateAsNull);
  return new Response(JSON.stringify({ error: reason }), {
    status: 400,
    headers: { "Content-Type": "application/json" },
  });
}

const subjectRows = (shopDomain: string, topic: string, payload: unknown) =>
  inboxSubjectKeys(topic, payload).map((key) => ({ shopDomain, key }));

/** A body that failed its schema may still be JSON naming a shopper; a malformed one is found by a scan. */
function parseOrNull(raw: string): unknown {
  try {
    return parseShopifyJson(raw);
  } catch {
    return null;
  }
}

/** Rejections are logged with what Shopify's headers claim (unverified when the HMAC failed). */
function logRejection(request: Request, status: number, reason: string) {
  const h = request.headers;
  log.warn("webhook rejected", {
    status,
    reason,
    topic: h.get("x-shopify-topic"),
    shop: h.get("x-shopify-shop-domain"),
    webhookId: h.get("x-shopify-webhook-id"),
  });
}

function tooLarge(request: Request, bytes: number): Response {
  logRejection(request, 413, `body of ${Math.round(bytes / 1024)} kB or more exceeds ${MAX_WEBHOOK_BYTES / 1024} kB`);
  return payloadTooLarge(MAX_WEBHOOK_BYTES);
}

/** `Unexpected token 'j', ..."{"email": j"... is not valid JSON` → `Unexpected token 'j', … is not valid JSON`. */
function withoutExcerpt(message: string): string {
  return message.replace(/(\.\.\.)?"[\s\S]*"(\.\.\.)?/, "…");
}

function parseDate(value: string | undefined): Date | null {
  if (!value) return null;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? null : d;
}
