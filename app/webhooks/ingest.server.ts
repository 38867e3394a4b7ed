import type { Db } from "../db.server";
import { QUEUES, type JobQueue } from "../jobs/queue.server";
import { log } from "../observability/log.server";
import { BODY_LIMITS, payloadTooLarge, readBoundedBody } from "../http/bounded-body.server";
import { checkPayload, normaliseTopic } from "../shopify-topics";
import { inboxSubjectKeys } from "../privacy/inbox-subjects";
import { parseShopifyJson } from "./json";
import { webhookJobKey } from "./inbox-queue.server";
import { storeInboxRow } from "./inbox-store.server";

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

/**
 * The part of `authenticate.webhook` ingestion relies on: the HMAC of the body as read and
 * Shopify's headers checked (throws a Response: 401 bad HMAC, 400 missing headers, 405).
 * The body is parsed here, once, after the check.
 */
export type VerifyWebhook = (
  request: Request,
  rawBody: string,
) => Promise<{
  shop: string;
  topic: string;
  webhookId: string;
  apiVersion: string;
  triggeredAt?: string;
  eventId?: string;
}>;

export interface IngestDeps {
  verify: VerifyWebhook;
  db: Db;
  queue: JobQueue;
}

/**
 * Verify, store, answer: the whole of a webhook request's synchronous work (a worker queues
 * the stored row's processing, webhooks/inbox-queue).
 * - body over MAX_WEBHOOK_BYTES (declared or counted while streaming) → 413, nothing stored;
 * - bad HMAC → 401, nothing stored;
 * - valid HMAC but unparsable or incomplete body → 400 with the reason, stored as REJECTED;
 * - duplicate (same shop + event id, or webhook id without one) → 200, not stored or processed again;
 * - otherwise stored as RECEIVED (webhooks/inbox-store: one statement on PostgreSQL) and processed by a worker.
 */
export async function ingestWebhook(request: Request, deps: IngestDeps): Promise<Response> {
  const body = await readBoundedBody(request, MAX_WEBHOOK_BYTES);
  if (!body.ok) return tooLarge(request, body.bytes);
  const raw = body.text;
  let verified: Awaited<ReturnType<VerifyWebhook>>;
  try {
    verified = await deps.verify(request, raw);
  } catch (error) {
    if (error instanceof Response) {
      logRejection(request, error.status, error.status === 401 ? "invalid or missing HMAC" : "not a webhook request");
      return error;
    }
    throw error;
  }
  let payload: unknown;
  try {
    payload = parseShopifyJson(raw);
  } catch (error) {
    // The signature was valid, the JSON is not. The parser's message quotes the body
    // (personal data): neither the log nor the stored reason keeps the quote, only where
    // the parser stopped.
    logRejection(request, 400, "malformed JSON");
    return reject({
      db: deps.db,
      request,
      raw,
      reason: `malformed JSON: ${withoutExcerpt((error as Error).message)}`,
      payload: null,
    });
  }
  const topic = normaliseTopic(verified.topic);
  const check = checkPayload(topic, payload);
  if (!check.ok) {
    logRejection(request, 400, check.reason);
    return reject({ db: deps.db, request, raw, reason: check.reason, payload });
  }

  const dedupeKey = inboxDedupeKey({ topic, webhookId: verified.webhookId, eventId: verified.eventId });
  const stored = await storeInboxRow(
    deps.db,
    {
      shopDomain: verified.shop,
      topic,
      webhookId: verified.webhookId,
      eventId: verified.eventId ?? null,
      dedupeKey,
      apiVersion: verified.apiVersion,
      triggeredAt: parseDate(verified.triggeredAt),
      receivedAt: new Date(),
      payload: raw,
      status: "RECEIVED",
      error: null,
    },
    // Who the body names, for customers/redact (committed with the row).
    inboxSubjectKeys(topic, payload),
  );
  // Stored: that is the whole of it. A worker queues its processing (webhooks/inbox-queue).
  if (stored) return new Response(null, { status: 200 });
  // A duplicate. If the first delivery is still waiting (its job lost, or not yet queued),
  // queue it now rather than wait for the workers' re-queue; the job's dedupe key makes this
  // a no-op otherwise.
  const first = await deps.db.webhookInbox.findUnique({
    where: { shopDomain_dedupeKey: { shopDomain: verified.shop, dedupeKey } },
    select: { id: true, status: true },
  });
  if (first?.status === "RECEIVED") await enqueueProcessing(deps, first.id);
  return new Response(null, { status: 200, headers: { "X-Webhook-Duplicate": "1" } });
}

const enqueueProcessing = (deps: IngestDeps, inboxId: string) =>
  deps.queue.enqueue(QUEUES.processWebhook, { inboxId }, { dedupeKey: webhookJobKey(inboxId) });

/**
 * Kept for inspection as REJECTED. `payload` is the body as parsed (null when it is not JSON):
 * a body that failed its schema may still name a shopper; a malformed one is found by a scan.
 */
async function reject({
  db,
  request,
  raw,
  reason,
  payload,
}: {
  db: Db;
  request: Request;
  raw: string;
  reason: string;
  payload: unknown;
}): Promise<Response> {
  const h = request.headers;
  const shopDomain = h.get("x-shopify-shop-domain") ?? "unknown";
  const webhookId = h.get("x-shopify-webhook-id") ?? `rejected-${crypto.randomUUID()}`;
  const topic = normaliseTopic(h.get("x-shopify-topic") ?? "unknown");
  const eventId = h.get("x-shopify-event-id");
  await storeInboxRow(
    db,
    {
      shopDomain,
      topic,
      webhookId,
      eventId,
      dedupeKey: inboxDedupeKey({ topic, webhookId, eventId }),
      apiVersion: h.get("x-shopify-api-version"),
      triggeredAt: null,
      receivedAt: new Date(),
      payload: raw.slice(0, 1_000_000),
      status: "REJECTED",
      error: reason,
    },
    inboxSubjectKeys(topic, payload),
  );
  return new Response(JSON.stringify({ error: reason }), {
    status: 400,
    headers: { "Content-Type": "application/json" },
  });
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
