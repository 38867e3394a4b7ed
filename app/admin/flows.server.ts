import db from "../db.server";
import { DAY } from "../clock";
import { performance } from "../attribution/attribute.server";
import { type ShopWithSettings } from "../commerce/shops.server";
import { shopName, shopSenderName } from "../shop-name";
import { appUrl } from "../runtime/services.server";
import type { PreviewSettings } from "../messaging/preview";
import { FlowDefinition } from "../flows/definition";
import { exitsInWords, stepInWords, triggerInWords, type SegmentNames } from "../flows/describe";
import { freshnessInWords } from "../flows/freshness";

/** The flows pages' queries: per-flow numbers are counted in the database, never row by row here. */

export const PERFORMANCE_DAYS = 30;
const IN_PROGRESS = ["ACTIVE" as const, "WAITING" as const];

type FlowRow = Awaited<ReturnType<typeof db.flow.findFirstOrThrow>>;
export const definitionOf = (flow: FlowRow) =>
  FlowDefinition.parse({ trigger: flow.trigger, steps: flow.steps, exitConditions: flow.exitConditions });

async function segmentsOf(shopId: string) {
  return db.segment.findMany({
    where: { shopId, archivedAt: null },
    select: { key: true, name: true, memberCount: true },
    orderBy: { name: "asc" },
  });
}
const namesOf = (segments: { key: string; name: string }[]): SegmentNames =>
  Object.fromEntries(segments.map((s) => [s.key, s.name]));

const runsInProgress = (shopId: string, flowId?: string) =>
  db.flowRun.groupBy({
    by: ["flowId"],
    where: { shopId, ...(flowId ? { flowId } : {}), status: { in: IN_PROGRESS } },
    _count: { _all: true },
  });

/** Every flow of the shop with what it does in words, runs in progress and its last 30 days. */
export async function flowList(shopId: string, now: Date) {
  const since = new Date(now.getTime() - PERFORMANCE_DAYS * DAY);
  const [flows, running, segments] = await Promise.all([
    db.flow.findMany({ where: { shopId }, orderBy: [{ builtIn: "desc" }, { name: "asc" }] }),
    runsInProgress(shopId),
    segmentsOf(shopId),
  ]);
  const names = namesOf(segments);
  return Promise.all(
    flows.map(async (flow) => {
      const definition = definitionOf(flow);
      const trigger = definition.trigger;
      const segment = "segmentKey" in trigger ? segments.find((s) => s.key === trigger.segmentKey) : undefined;
      return {
        id: flow.id,
        key: flow.key,
        name: flow.name,
        builtIn: flow.builtIn,
        enabled: flow.enabled,
        trigger: triggerInWords(trigger, names),
        steps: definition.steps.map(stepInWords),
        exits: exitsInWords(definition.exitConditions),
        // Turning a segment flow on texts shoppers who enter from then on, not those already in it.
        segmentMembers: segment?.memberCount ?? null,
        activeRuns: running.find((r) => r.flowId === flow.id)?._count._all ?? 0,
        performance: await performance({ db, shopId, of: { flowId: flow.id }, since }),
      };
    }),
  );
}
export type FlowListItem = Awaited<ReturnType<typeof flowList>>[number];

/** One flow for the editor, or null when it is not this shop's. */
export async function flowForEditor(shop: ShopWithSettings, flowId: string) {
  const flow = await db.flow.findFirst({ where: { id: flowId, shopId: shop.id } });
  if (!flow) return null;
  const [running, segments] = await Promise.all([runsInProgress(shop.id, flow.id), segmentsOf(shop.id)]);
  const definition = definitionOf(flow);
  return {
    flow: {
      id: flow.id,
      name: flow.name,
      builtIn: flow.builtIn,
      enabled: flow.enabled,
      version: flow.version,
      definition,
    },
    trigger: triggerInWords(definition.trigger, namesOf(segments)),
    freshness: freshnessInWords(definition.trigger),
    activeRuns: running[0]?._count._all ?? 0,
    preview: previewSettings(shop),
    currency: shop.currency,
  };
}

/** What the live preview needs to compose a text the way dispatch will. */
export function previewSettings(shop: ShopWithSettings): PreviewSettings {
  return {
    senderName: shopSenderName(shop),
    shopName: shopName(shop),
    appUrl: appUrl(),
    costPerSegment: Number(shop.settings?.costPerSegment ?? 0),
  };
}
