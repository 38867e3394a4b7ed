import type { Db } from "../db.server";
import { duplicateAsNull } from "../db/unique-violation";
import { QUEUES, type JobQueue } from "../jobs/queue.server";
import { checkPayload, normaliseTopic } from "./payload-schemas";

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
 * - bad HMAC → 401 (from authenticate.webhook), nothing stored;
 * - valid HMAC but unparsable or incomplete body → 400 with the reason, stored as REJECTED;
 * - redelivery (same shop + webhook id) → 200, not stored or processed again;
 * - otherwise stored as RECEIVED and processed by a worker.
 */
export async function ingestWebhook(request: Request, deps: IngestDeps): Promise<Response> {
  const raw = await request.clone().text();
  let context: Awaited<ReturnType<AuthenticateWebhook>>;
  try {
    context = await deps.authenticate(request);
  } catch (error) {
    if (error instanceof Response) return error;
    if (error instanceof SyntaxError) {
      // The signature was valid (authenticate parses only after verifying), the JSON is not.
      return reject(deps.db, request, raw, `malformed JSON: ${error.message}`);
    }
    throw error;
  }
  const topic = normaliseTopic(context.topic);
  const check = checkPayload(topic, context.payload);
  if (!check.ok) return reject(deps.db, request, raw, check.reason);

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

function parseDate(value: string | undefined): Date | null {
  if (!value) return null;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? null : d;
}
