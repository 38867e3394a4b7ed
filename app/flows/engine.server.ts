import type { AppServices } from "../services";
import { createHash } from "node:crypto";
import type { Db } from "../db.server";
import { duplicateAsNull } from "../db/unique-violation";
import { MINUTE } from "../clock";
import { QUEUES } from "../jobs/queue.server";
import { scheduleMessage } from "../schedule/messages.server";
import { nextAllowed } from "../messaging/quiet-hours";
import { renderTemplate, usesVariable, type TemplateValues } from "../messaging/template";
import { discountCodeFor } from "../discounts/discount-codes.server";
import { CustomerEvaluation } from "../segments/evaluate.server";
import { CAUSES_WITHOUT_FLOWS } from "../segments/membership.server";
import { shopName } from "../shop-name";
import { ExitSchema, StepSchema, TriggerSchema, type Exit, type Step, type Trigger } from "./definition";
import { assertUnreachable } from "../assert-unreachable";
import { isFresh } from "./freshness";

/**
 * What flows react to: membership events (from the segment engine) and commerce events.
 * `occurredAt` is the event's own time (see freshness.ts): a flow starts only while it is fresh.
 */
export type FlowEvent = { occurredAt: Date } & (
  | { type: "segment_entered" | "segment_left"; shopId: string; customerId: string; segmentKey: string; key: string }
  | { type: "order_placed"; shopId: string; customerId: string; orderId: string; at: Date; key: string }
  | {
      type: "back_in_stock";
      shopId: string;
      customerId: string;
      variantShopifyId: string;
      watchId: string;
      key: string;
    }
);

/** Built-in segments whose entry is itself a flow event. */
const SEGMENT_EVENTS: Record<string, "subscribed" | "unsubscribed"> = {
  "sms-subscribers": "subscribed",
  "opted-out": "unsubscribed",
};

/**
 * Starts the runs an event triggers (one per flow, customer and trigger key, however often
 * the event is delivered) and ends runs the event exits (ordered, left the segment, opted
 * out). Runs then advance as jobs.
 */
export async function handleFlowEvent(deps: AppServices, event: FlowEvent, now: Date): Promise<void> {
  await handleWithFlows({ deps, event, now, flows: () => enabledFlows(deps.db, event.shopId) });
}

/**
 * Events in order, each handled as `handleFlowEvent` does, with what every one of them reads
 * asked once for all (a batch of a shop's webhooks: webhooks/process-batch): the shop's enabled
 * flows, and which of the shoppers have a run in progress (the exit checks of the others are
 * skipped).
 */
export async function handleFlowEvents(deps: AppServices, events: readonly FlowEvent[], now: Date): Promise<void> {
  if (!events.length) return;
  const read = new Map<string, Promise<EnabledFlow[]>>();
  const flowsOf = (shopId: string) => {
    if (!read.has(shopId)) read.set(shopId, enabledFlows(deps.db, shopId));
    return read.get(shopId)!;
  };
  // Who has a run in progress, asked once for all: most shoppers have none, and the exit
  // check is then skipped (a run one of these events starts is added as it starts).
  const inProgress = await deps.db.flowRun.findMany({
    where: {
      shopId: { in: [...new Set(events.map((e) => e.shopId))] },
      customerId: { in: [...new Set(events.map((e) => e.customerId))] },
      status: { in: ["ACTIVE", "WAITING"] },
    },
    select: { customerId: true },
  });
  const withRuns = new Set(inProgress.map((r) => r.customerId));
  for (const event of events) await handleWithFlows({ deps, event, now, flows: () => flowsOf(event.shopId), withRuns });
}

// An uninstalled shop starts nothing (its runs in progress were ended by app/uninstalled).
const enabledFlows = (db: Db, shopId: string) =>
  db.flow.findMany({ where: { shopId, enabled: true, shop: { uninstalledAt: null } } });
type EnabledFlow = Awaited<ReturnType<typeof enabledFlows>>[number];

async function handleWithFlows({
  deps,
  event,
  now,
  flows: readFlows,
  withRuns,
}: {
  deps: AppServices;
  event: FlowEvent;
  now: Date;
  flows: () => Promise<EnabledFlow[]>;
  /** Customers that may have a run in progress (read for a batch); absent: any may. */
  withRuns?: Set<string>;
}): Promise<void> {
  const { db } = deps;
  const mayExit = !withRuns || withRuns.has(event.customerId);
  if (mayExit && event.type === "order_placed")
    await exitRuns({
      db,
      shopId: event.shopId,
      customerId: event.customerId,
      reason: "ordered",
      now,
      applies: (run) => run.enteredAt < event.at,
    });
  if (mayExit && event.type === "segment_left")
    await exitRuns({
      db,
      shopId: event.shopId,
      customerId: event.customerId,
      reason: "left_segment",
      now,
      applies: (_run, trigger) => "segmentKey" in trigger && trigger.segmentKey === event.segmentKey,
    });
  const consent = event.type === "segment_entered" ? SEGMENT_EVENTS[event.segmentKey] : undefined;
  if (mayExit && consent === "unsubscribed")
    await exitRuns({
      db,
      shopId: event.shopId,
      customerId: event.customerId,
      reason: "opted_out",
      now,
      applies: () => true,
    });

  for (const flow of await readFlows()) {
    const trigger = TriggerSchema.parse(flow.trigger);
    const matches =
      (trigger.type === "segment_entered" &&
        event.type === "segment_entered" &&
        trigger.segmentKey === event.segmentKey) ||
      (trigger.type === "segment_left" && event.type === "segment_left" && trigger.segmentKey === event.segmentKey) ||
      (trigger.type === "subscribed" && consent === "subscribed") ||
      (trigger.type === "order_placed" && event.type === "order_placed") ||
      (trigger.type === "back_in_stock" && event.type === "back_in_stock");
    if (!matches || !isFresh(trigger, event.occurredAt, now)) continue;
    const run = await db.flowRun
      .create({
        data: {
          shopId: event.shopId,
          flowId: flow.id,
          customerId: event.customerId,
          triggerKey: event.key,
          flowVersion: flow.version,
          enteredAt: now,
          context: contextOf(event),
        },
      })
      .catch(duplicateAsNull); // null: this trigger already started a run
    if (run) withRuns?.add(event.customerId);
    if (run)
      await deps.queue.enqueue(
        QUEUES.advanceFlowRun,
        { runId: run.id },
        { runAt: now, dedupeKey: `run:${run.id}:start` },
      );
  }
}

const contextOf = (e: FlowEvent) =>
  e.type === "back_in_stock"
    ? { variantShopifyId: e.variantShopifyId, watchId: e.watchId }
    : e.type === "order_placed"
      ? { orderId: e.orderId }
      : { segmentKey: e.segmentKey };

const loadRun = (db: Db, id: string) =>
  db.flowRun.findUnique({
    where: { id },
    include: { flow: { include: { shop: { select: { uninstalledAt: true } } } }, customer: true },
  });
type LoadedRun = NonNullable<Awaited<ReturnType<typeof loadRun>>>;
type RunRow = Omit<LoadedRun, "flow" | "customer">;

async function exitRuns({
  db,
  shopId,
  customerId,
  reason,
  now,
  applies,
}: {
  db: Db;
  shopId: string;
  customerId: string;
  reason: Exit;
  now: Date;
  applies: (run: RunRow, trigger: Trigger) => boolean;
}) {
  // The runs alone first: an `include` of their flows is a second statement even when the
  // customer has no run in progress (every order of a shopper outside any flow).
  const runs = await db.flowRun.findMany({ where: { shopId, customerId, status: { in: ["ACTIVE", "WAITING"] } } });
  if (!runs.length) return;
  const flows = new Map(
    (
      await db.flow.findMany({
        where: { id: { in: [...new Set(runs.map((r) => r.flowId))] } },
        select: { id: true, exitConditions: true, trigger: true },
      })
    ).map((f) => [f.id, f]),
  );
  for (const run of runs) {
    const flow = flows.get(run.flowId)!;
    const exits = ExitSchema.array().parse(flow.exitConditions);
    if (!exits.includes(reason) || !applies(run, TriggerSchema.parse(flow.trigger))) continue;
    await finishRun({ db, runId: run.id, status: "EXITED", reason, now });
  }
}

async function finishRun({
  db,
  runId,
  status,
  reason,
  now,
}: {
  db: Db;
  runId: string;
  status: "EXITED" | "COMPLETED" | "FAILED";
  reason: string | null;
  now: Date;
}) {
  const run = await db.flowRun.update({
    where: { id: runId },
    data: { status, exitReason: reason, finishedAt: now, nextRunAt: null },
  });
  if (status === "EXITED") {
    await db.message.updateMany({
      where: { flowRunId: runId, status: { in: ["SCHEDULED", "HELD"] } },
      data: { status: "CANCELLED", error: `flow exit: ${reason}` },
    });
  }
  return run;
}

/**
 * Moves a run forward from its current step until it waits, ends or exits. Re-running a
 * step after a crash is harmless: sends are idempotent on "run:<id>:step:<n>" and a wait
 * keeps the deadline recorded the first time.
 */
export async function advanceFlowRun(deps: AppServices, runId: string): Promise<void> {
  const { db } = deps;
  const now = deps.clock.now();
  const run = await loadRun(db, runId);
  if (!run || !["ACTIVE", "WAITING"].includes(run.status)) return;
  if (run.nextRunAt && run.nextRunAt > now) {
    await deps.queue.enqueue(QUEUES.advanceFlowRun, { runId }, { runAt: run.nextRunAt });
    return;
  }
  if (run.flow.shop.uninstalledAt)
    return void (await finishRun({ db, runId: run.id, status: "EXITED", reason: "app uninstalled", now }));
  if (!run.flow.enabled)
    return void (await finishRun({ db, runId: run.id, status: "EXITED", reason: "flow turned off", now }));
  const exit = await exitReason(db, run);
  if (exit) return void (await finishRun({ db, runId: run.id, status: "EXITED", reason: exit, now }));

  const steps = StepSchema.array().parse(run.flow.steps);
  let i = run.stepIndex;
  for (let guard = 0; guard < 50; guard++) {
    if (i >= steps.length) return void (await finishRun({ db, runId: run.id, status: "COMPLETED", reason: null, now }));
    const step = steps[i]!;
    const result = await runStep({ deps, run, step, index: i, now });
    if (result.kind === "wait") {
      await db.flowRun.update({
        where: { id: run.id },
        data: { status: "WAITING", stepIndex: i, nextRunAt: result.until },
      });
      await deps.queue.enqueue(
        QUEUES.advanceFlowRun,
        { runId },
        { runAt: result.until, dedupeKey: `run:${run.id}:${i}:${result.until.getTime()}` },
      );
      return;
    }
    if (result.kind === "exit")
      return void (await finishRun({ db, runId: run.id, status: "EXITED", reason: result.reason, now }));
    i = result.next;
    await db.flowRun.update({ where: { id: run.id }, data: { status: "ACTIVE", stepIndex: i, nextRunAt: null } });
  }
  await finishRun({
    db,
    runId: run.id,
    status: "FAILED",
    reason: "too many condition jumps (a loop in the flow?)",
    now,
  });
}

type StepResult = { kind: "next"; next: number } | { kind: "wait"; until: Date } | { kind: "exit"; reason: string };
async function runStep({
  deps,
  run,
  step,
  index,
  now,
}: {
  deps: AppServices;
  run: LoadedRun;
  step: Step;
  index: number;
  now: Date;
}): Promise<StepResult> {
  const { db } = deps;
  const where = { runId_stepIndex: { runId: run.id, stepIndex: index } };
  const record = (outcome: string, detail: object, finished: boolean) =>
    db.flowRunStep.upsert({
      where,
      create: {
        runId: run.id,
        stepIndex: index,
        stepType: step.type,
        outcome,
        detail,
        startedAt: now,
        finishedAt: finished ? now : null,
      },
      update: { outcome, detail, finishedAt: finished ? now : null },
    });
  switch (step.type) {
    case "wait":
    case "wait_until": {
      const recorded = await db.flowRunStep.findUnique({ where });
      const until =
        recorded?.detail && typeof recorded.detail === "object" && "until" in recorded.detail
          ? new Date(String(recorded.detail.until))
          : waitDeadline(step, now, run.customer.timeZone);
      if (until > now) {
        if (!recorded) await record("waiting", { until: until.toISOString() }, false);
        return { kind: "wait", until };
      }
      await record("waited", { until: until.toISOString() }, true);
      return { kind: "next", next: index + 1 };
    }
    case "condition": {
      const evaluation = await CustomerEvaluation.load(db, run.customerId, now);
      const yes = !!evaluation && (await evaluation.matches(step.condition));
      await record(yes ? "branch:yes" : "branch:no", {}, true);
      if (yes) return { kind: "next", next: index + 1 };
      return step.otherwise === "exit"
        ? { kind: "exit", reason: "condition not met" }
        : { kind: "next", next: step.otherwise.goto };
    }
    case "send": {
      const variant = pickVariant(step.variants, `${run.id}:${index}`);
      const body = renderTemplate(variant.body, await templateValues({ deps, run, template: variant.body, now }));
      const { id } = await scheduleMessage(deps, {
        shopId: run.shopId,
        customerId: run.customerId,
        body,
        purpose: "marketing",
        idempotencyKey: `run:${run.id}:step:${index}`,
        dueAt: now,
        flowId: run.flowId,
        flowRunId: run.id,
        variant: variant.key,
      });
      await record(`sent:${variant.key}`, { messageId: id }, true);
      const watchId = (run.context as { watchId?: string } | null)?.watchId;
      if (watchId)
        await db.restockWatch.updateMany({ where: { id: watchId, notifiedAt: null }, data: { notifiedAt: now } });
      return { kind: "next", next: index + 1 };
    }
    default:
      return assertUnreachable(step, "step type");
  }
}

function waitDeadline(step: Extract<Step, { type: "wait" | "wait_until" }>, now: Date, timeZone: string | null): Date {
  if (step.type === "wait") return new Date(now.getTime() + step.minutes * MINUTE);
  const minute = step.hour * 60 + step.minute;
  // The next instant the shopper's clock shows hour:minute (a one-minute window).
  return nextAllowed(new Date(now.getTime() + MINUTE), timeZone ?? "UTC", [{ start: minute, end: minute + 1 }]);
}

/** A/B split: a stable choice per run and step, weighted. */
function pickVariant<V extends { weight: number }>(variants: V[], seed: string): V {
  const total = variants.reduce((s, v) => s + v.weight, 0);
  let r = (createHash("sha256").update(seed).digest().readUInt32BE(0) / 2 ** 32) * total;
  for (const v of variants) if ((r -= v.weight) < 0) return v;
  return variants.at(-1)!;
}

async function exitReason(db: Db, run: LoadedRun): Promise<string | null> {
  const c = run.customer;
  if (c.deletedAt || c.redactedAt) return "customer removed";
  const exits = ExitSchema.array().parse(run.flow.exitConditions);
  if (exits.includes("ordered") && c.lastOrderAt && c.lastOrderAt > run.enteredAt) return "ordered";
  const trigger = TriggerSchema.parse(run.flow.trigger);
  // A back-in-stock alert rests on the restock sign-up's own consent (checked by the send
  // gate, app/consent/gate.server.ts); only an explicit opt-out ends such a run here.
  const optedOut = trigger.type === "back_in_stock" ? c.smsConsent === "UNSUBSCRIBED" : c.smsConsent !== "SUBSCRIBED";
  if (exits.includes("opted_out") && optedOut) return "opted_out";
  if (exits.includes("left_segment") && trigger.type === "segment_entered") {
    const member = await db.segmentMembership.findFirst({
      where: { shopId: run.shopId, customerId: run.customerId, segment: { key: trigger.segmentKey } },
      select: { segmentId: true },
    });
    if (!member) return "left_segment";
  }
  return null;
}

async function templateValues({
  deps,
  run,
  template,
  now,
}: {
  deps: AppServices;
  run: LoadedRun;
  template: string;
  now: Date;
}): Promise<TemplateValues> {
  const { db } = deps;
  const shop = await db.shop.findUniqueOrThrow({
    where: { id: run.shopId },
    select: { id: true, name: true, domain: true },
  });
  const context = (run.context ?? {}) as { variantShopifyId?: string; orderId?: string };
  const values: TemplateValues = { first_name: run.customer.firstName, shop_name: shopName(shop) };
  const checkout = await db.checkout.findFirst({
    where: { shopId: run.shopId, customerId: run.customerId, completedAt: null },
    orderBy: { shopifyUpdatedAt: "desc" },
    select: { recoveryUrl: true },
  });
  values.checkout_url = checkout?.recoveryUrl;
  if (context.variantShopifyId) {
    const variant = await db.variant.findFirst({
      where: { shopId: run.shopId, shopifyId: context.variantShopifyId },
      include: { product: true },
    });
    if (variant) {
      values.product_title = variant.product.title;
      values.product_url = variant.product.handle
        ? `https://${shop.domain}/products/${variant.product.handle}?variant=${variant.shopifyId}`
        : null;
    }
  }
  if (context.orderId)
    values.order_name = (await db.order.findUnique({ where: { id: context.orderId }, select: { name: true } }))?.name;
  if (usesVariable(template, "discount_code"))
    values.discount_code = await discountCodeFor({
      deps,
      shop,
      owner: { flowId: run.flowId, title: run.flow.name },
      now,
    });
  return values;
}

/**
 * The membership events flows consume (written by the segment engine). Events from a
 * segment's backfill (cause "definition") and the day-one sync (cause "sync") are marked
 * handled without starting flows (CAUSES_WITHOUT_FLOWS).
 */
export async function consumeMembershipEvents(deps: AppServices, limit = 200): Promise<number> {
  const { db } = deps;
  const events = await db.segmentMembershipEvent.findMany({
    where: { flowsHandledAt: null },
    orderBy: { at: "asc" },
    take: limit,
    include: { segment: { select: { key: true } } },
  });
  for (const e of events) {
    if (!CAUSES_WITHOUT_FLOWS.includes(e.cause)) {
      const type = e.change === "ENTERED" ? "segment_entered" : "segment_left";
      await handleFlowEvent(
        deps,
        {
          type,
          shopId: e.shopId,
          customerId: e.customerId,
          segmentKey: e.segment.key,
          key: e.id,
          occurredAt: await membershipOccurredAt(db, e, e.segment.key),
        },
        deps.clock.now(),
      );
    }
    await db.segmentMembershipEvent.update({ where: { id: e.id }, data: { flowsHandledAt: deps.clock.now() } });
  }
  return events.length;
}

/**
 * When what moved the shopper happened, by its own time: the subscription's time for the
 * subscribers segment, the checkout's last activity for abandoned checkouts, Shopify's
 * trigger time of the webhook that caused it, else the change itself.
 */
async function membershipOccurredAt(
  db: Db,
  e: { at: Date; cause: string; causeRef: string | null; shopId: string; customerId: string },
  segmentKey: string,
): Promise<Date> {
  const earliest = (d: Date | null | undefined) => (d && d < e.at ? d : e.at);
  if (segmentKey === "sms-subscribers") {
    const c = await db.customer.findUnique({ where: { id: e.customerId }, select: { smsConsentAt: true } });
    return earliest(c?.smsConsentAt);
  }
  if (segmentKey === "abandoned-checkout") {
    const checkout = await db.checkout.findFirst({
      where: { shopId: e.shopId, customerId: e.customerId, completedAt: null },
      orderBy: { shopifyUpdatedAt: "desc" },
      select: { shopifyUpdatedAt: true },
    });
    return earliest(checkout?.shopifyUpdatedAt);
  }
  if (e.cause === "webhook" && e.causeRef) {
    const inbox = await db.webhookInbox.findUnique({ where: { id: e.causeRef }, select: { triggeredAt: true } });
    return earliest(inbox?.triggeredAt);
  }
  return e.at;
}

/**
 * Ends every run of a flow still in progress, cancelling the texts they had scheduled. Used
 * when a flow's steps change shape (added, removed, reordered) under runs that are part-way
 * through: their step index would point at a different step.
 */
export async function exitRunsInProgress({
  db,
  flowId,
  reason,
  now,
}: {
  db: Db;
  flowId: string;
  reason: string;
  now: Date;
}): Promise<number> {
  const inProgress = { flowId, status: { in: ["ACTIVE" as const, "WAITING" as const] } };
  const [, { count }] = await db.$transaction([
    db.message.updateMany({
      where: { flowRun: inProgress, status: { in: ["SCHEDULED", "HELD"] } },
      data: { status: "CANCELLED", error: `flow exit: ${reason}` },
    }),
    db.flowRun.updateMany({
      where: inProgress,
      data: { status: "EXITED", exitReason: reason, finishedAt: now, nextRunAt: null },
    }),
  ]);
  return count;
}
