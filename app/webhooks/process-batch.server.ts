import type { AppServices } from "../services";
import { installedShop } from "../commerce/shops.server";
import { isHeldTopic, syncRunning } from "../sync/held-webhooks.server";
import { refreshSegmentsFor } from "../segments/refresh.server";
import { handleFlowEvents } from "../flows/engine.server";
import { isDomainTopic, isTopic } from "../shopify-topics";
import { errorFields, log } from "../observability/log.server";
import {
  consentFollowUp,
  flowEventsOf,
  orderFollowUp,
  isInvalidPayload,
  isSettled,
  markProcessed,
  parsedRow,
  processWebhook,
  writeContext,
  reject,
  WRITERS,
  type InboxRow,
  type ProcessOutcome,
  type WriteContext,
  type Written,
} from "./process.server";
import { runOrder, writeOrderRun, type RunOrder } from "./order-runs.server";

/** Per inbox id: what became of it, or the error its job fails with (and is retried alone). */
export type BatchResult = Map<string, ProcessOutcome | Error>;

/**
 * The inbox rows one job fetch claimed, processed together (the worker's `processWebhook`
 * batch handler): per shop, in arrival order, each row's writer and its consent follow-up,
 * then the segments refreshed once for every customer the rows touched, then the orders'
 * attribution (one for all), then their flow events in order (the shop's flows read once), then the rows
 * marked processed in one statement. What a row costs on its own (the inbox read, the shop
 * and its settings, the sync hold, the shop's segment list, the evaluation and the membership
 * writes, the flows, the inbox update) is paid once per shop per batch.
 *
 * Consecutive orders are written together by the day-one sync's batch writers
 * (webhooks/order-runs), the other rows by their topic's writer. The same guarantees as one at
 * a time (`processWebhook`): newest wins by Shopify's updated_at, duplicates are absorbed, a held topic stays RECEIVED while the
 * shop's sync runs, a payload that fails its schema is rejected alone. Each customer's
 * membership events name the last row that touched them (flows date them by its trigger
 * time). The one difference: a customer moved into a segment and out again by two rows of the
 * same batch ends where one at a time would, without the two events in between, as the
 * sweep's catch-up does. If anything else fails, the shop's rows not yet settled are
 * processed again one at a time: every step is idempotent, so the rows that succeeded converge
 * to the same state and only the failing row's job fails (and is retried alone).
 */
export async function processWebhooks(deps: AppServices, inboxIds: readonly string[]): Promise<BatchResult> {
  const results: BatchResult = new Map();
  const rows = await deps.db.webhookInbox.findMany({ where: { id: { in: [...new Set(inboxIds)] } } });
  rows.sort((a, b) => a.receivedAt.getTime() - b.receivedAt.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const byShop = new Map<string, InboxRow[]>();
  for (const row of rows) {
    if (isSettled(row)) results.set(row.id, "skipped");
    else byShop.set(row.shopDomain, [...(byShop.get(row.shopDomain) ?? []), row]);
  }
  for (const [domain, shopRows] of byShop)
    for (const [id, outcome] of await processShopRows(deps, domain, shopRows)) results.set(id, outcome);
  for (const id of inboxIds) if (!results.has(id)) results.set(id, "skipped"); // gone meanwhile
  return results;
}

/** One row through the single path; its error is returned, so the rest of the batch goes on. */
const alone = (deps: AppServices, id: string) =>
  processWebhook(deps, id).catch((error: unknown) => (error instanceof Error ? error : new Error(String(error))));

async function processShopRows(deps: AppServices, domain: string, rows: InboxRow[]): Promise<BatchResult> {
  const { db } = deps;
  const results: BatchResult = new Map();
  // A lone row, a topic about the shop as a whole (uninstall, shop/redact: the shop row may go),
  // or a shop the app holds no row for (each row ignored): one at a time, as ever.
  const single = rows.length === 1 || rows.some((r) => isTopic(r.topic) && isDomainTopic(r.topic));
  const shop = single ? null : await installedShop(db, domain);
  if (!shop) {
    for (const row of rows) results.set(row.id, await alone(deps, row.id));
    return results;
  }
  const now = deps.clock.now();
  const held = (row: InboxRow) => row.status === "RECEIVED" && isHeldTopic(row.topic);
  const holding = rows.some(held) && (await syncRunning(db, shop.id));
  const written: { ctx: WriteContext; written: Written }[] = [];
  // Consecutive orders the sync's batch writers can take, written together (webhooks/order-runs).
  let run: RunOrder[] = [];
  const flushRun = async () => {
    if (!run.length) return;
    const orders = run;
    run = [];
    const ran = await writeOrderRun({
      db,
      shopId: shop.id,
      run: orders,
      followUp: (contexts) => consentFollowUp(deps, contexts),
    });
    written.push(...ran);
  };
  try {
    for (const row of rows) {
      try {
        const { topic, body } = parsedRow(row);
        if (holding && held(row)) {
          results.set(row.id, "held");
          continue;
        }
        if (isDomainTopic(topic)) throw new Error(`domain topic ${topic} in a batch`); // excluded above
        const ctx = writeContext({ deps, shop, row, now, body });
        const payload = runOrder(topic, body);
        if (payload) {
          run.push({ ctx, payload });
          continue;
        }
        await flushRun();
        const w = await WRITERS[topic](ctx);
        await consentFollowUp(deps, [ctx]);
        written.push({ ctx, written: w });
      } catch (error) {
        if (!isInvalidPayload(error)) throw error;
        results.set(row.id, await reject(db, row.id, error));
      }
    }
    await flushRun();
    // Each customer's events name the last row that touched them.
    const causeRefs = new Map<string, string>();
    for (const { ctx, written: w } of written) for (const id of w.customerIds) causeRefs.set(id, ctx.row.id);
    await refreshSegmentsFor({
      db,
      shopId: shop.id,
      customerIds: [...causeRefs.keys()],
      now,
      cause: { cause: "webhook" },
      causeRefs,
    });
    // Attribution for all the orders at once, then the flow events in the rows' order, the shop's flows read once.
    await orderFollowUp(deps, written);
    await handleFlowEvents(
      deps,
      written.flatMap(({ ctx, written: w }) => flowEventsOf(ctx, w)),
      now,
    );
    await markProcessed(
      db,
      written.map(({ ctx }) => ctx.row.id),
      now,
    );
    for (const { ctx } of written) results.set(ctx.row.id, "processed");
  } catch (error) {
    // Isolate the failure: the rows not settled yet again one at a time (the error that
    // matters is the failing row's own, which its job reports).
    log.warn("webhook batch failed: its rows are processed one at a time", {
      shop: domain,
      rows: rows.length,
      ...errorFields(error),
    });
    for (const row of rows) if (!results.has(row.id)) results.set(row.id, await alone(deps, row.id));
  }
  return results;
}
