import type { Db } from "../db.server";
import { duplicateAsNull } from "../db/unique-violation";
import { QUEUES, type JobQueue } from "../jobs/queue.server";
import { log } from "../observability/log.server";
import { checkPayload, normaliseTopic } from "./payload-schemas";

/**
 * The largest webhook body accepted. Shopify's payloads are far smaller (an order with
 * hundreds of lines is a few hundred kB); anything bigger is refused unread and unstored,
 * so a flood of huge bodies cannot fill the inbox.
 */
export const MAX_WEBHOOK_BYTES = 2 * 1024 * 1024;

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
 * Verify, store, enqueue, answer: the whole of a webhook request's synchronous work.
 * - body over MAX_WEBHOOK_BYTES → 413, nothing stored;
 * - bad HMAC → 401 (from authenticate.webhook), nothing stored;
 * - valid HMAC but unparsable or incomplete body → 400 with the reason, stored as REJECTED;
 * - redelivery (same shop + webhook id) → 200, not stored or processed again;
 * - otherwise stored as RECEIVED and processed by a worker.
 */
export async function ingestWebhook(request: Request, deps: IngestDeps): Promise<Response> {
  const declaredBytes = Number(request.headers.get("content-length") ?? 0);
  if (declaredBytes > MAX_WEBHOOK_BYTES) return tooLarge(request, declaredBytes);
  const raw = await request.clone().text();
  if (Buffer.byteLength(raw) > MAX_WEBHOOK_BYTES) return tooLarge(request, Buffer.byteLength(raw));
  let context: Awaited<ReturnType<AuthenticateWebhook>>;
  try {
    context = await deps.authenticate(request);
  } catch (error) {
    if (error instanceof Response) {
      logRejection(request, error.status, error.status === 401 ? "invalid or missing HMAC" : "not a webhook request");
      return error;
    }
    if (error instanceof SyntaxError) {
      // The signature was valid (authenticate parses only after verifying), the JSON is not.
      // The parser's message quotes the body, so only the fact goes to the log.
      logRejection(request, 400, "malformed JSON");
      return reject(deps.db, request, raw, `malformed JSON: ${error.message}`);
    }
    throw error;
  }
  const topic = normaliseTopic(context.topic);
  const check = checkPayload(topic, context.payload);
  if (!check.ok) {
    logRejection(request, 400, check.reason);
    return reject(deps.db, request, raw, check.reason);
  }

  const row = await deps.db.webhookInbox
    .create({
      data: {
        shopDomain: context.shop,
        topic,
        webhookId: context.webhookId,
        eventId: context.eventId ?? null,
        apiVersion: context.apiVersion,
        triggeredAt: parseDate(context.triggeredAt),
        payload: raw,
      },
      select: { id: true },
    })
    .catch(duplicateAsNull);
  if (row) {
    await enqueueProcessing(deps, row.id);
    return new Response(null, { status: 200 });
  }
  // A redelivery. If the first delivery was stored but its job never got queued (the
  // request failed in between and Shopify retried), queue it now; the dedupe key makes
  // this a no-op otherwise.
  const first = await deps.db.webhookInbox.findUnique({
    where: { shopDomain_webhookId: { shopDomain: context.shop, webhookId: context.webhookId } },
    select: { id: true, status: true },
  });
  if (first?.status === "RECEIVED") await enqueueProcessing(deps, first.id);
  return new Response(null, { status: 200, headers: { "X-Webhook-Duplicate": "1" } });
}

const enqueueProcessing = (deps: IngestDeps, inboxId: string) =>
  deps.queue.enqueue(QUEUES.processWebhook, { inboxId }, { dedupeKey: `webhook:${inboxId}` });

async function reject(db: Db, request: Request, raw: string, reason: string): Promise<Response> {
  const h = request.headers;
  const shopDomain = h.get("x-shopify-shop-domain") ?? "unknown";
  const webhookId = h.get("x-shopify-webhook-id") ?? `rejected-${crypto.randomUUID()}`;
  await db.webhookInbox
    .create({
      data: {
        shopDomain,
        topic: normaliseTopic(h.get("x-shopify-topic") ?? "unknown"),
        webhookId,
        apiVersion: h.get("x-shopify-api-version"),
        payload: raw.slice(0, 1_000_000),
        status: "REJECTED",
        error: reason,
      },
    })
    .catch(duplicateAsNull);
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
  logRejection(request, 413, `body of ${Math.round(bytes / 1024)} kB exceeds ${MAX_WEBHOOK_BYTES / 1024} kB`);
  return Response.json({ error: `payload too large (limit ${MAX_WEBHOOK_BYTES} bytes)` }, { status: 413 });
}

function parseDate(value: string | undefined): Date | null {
  if (!value) return null;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? null : d;
}
