import type { Db } from "../db.server";
import { suppressionsQuery, type ActiveSuppressions } from "./suppression.server";
import { asDate, valueList } from "../db/insert-rows.server";
import { sqlOn } from "../db/driver.server";
import { Prisma } from "../generated/sqlite/client";

export type ConsentDecision = { decision: "pass" | "refuse"; detail: string };

export interface ConsentQuestion {
  shopId: string;
  /** The customer the text is for (null: a number we hold no customer for). */
  customerId: string | null;
  /** The number the text would go to now (E.164). */
  phone: string;
  /** The flow run that produced the text, if any: a back-in-stock run carries its variant. */
  flowRunId?: string | null;
}

/**
 * The consent part of the send gate (app/messaging/gates.server.ts), for marketing texts.
 * Consent is a fact about (shop, number):
 * 1. a suppressed number (STOP, carrier opt-out, merchant) gets nothing;
 * 2. otherwise the newest marketing fact for this number (and this customer) must be SUBSCRIBED:
 *    consent given for another number (a changed phone) does not count;
 * 3. failing that, a back-in-stock text may go on the restock consent given for that variant.
 * The detail is recorded on the message with the decision.
 */
export async function checkConsent(db: Db, q: ConsentQuestion): Promise<ConsentDecision> {
  return (await checkConsentBatch(db, { shopId: q.shopId, questions: [q] }))[0]!;
}

/** A shop's numbers whose suppressions and marketing consent facts a send batch reads. */
export interface ConsentAsk {
  shopId: string;
  phones: string[];
}

export interface ConsentFacts {
  suppressions: ActiveSuppressions;
  /** Newest first (the first match is the latest, as the single-number question orders them). */
  facts: { phone: string; customerId: string | null; state: string; source: string; occurredAt: Date }[];
}

/**
 * `checkConsent` for many texts of one shop at once (batch dispatch): the suppression list and
 * the marketing facts of every number in one query, the same decision per question. Only the
 * rarer paths (a back-in-stock run's restock consent, the wording of a refusal) look further.
 * `read` is that query (batch dispatch makes it one statement for every shop of a batch:
 * messaging/lockstep); it is asked exactly once, even with no question.
 */
export async function checkConsentBatch(
  db: Db,
  b: { shopId: string; questions: ConsentQuestion[]; read?: (ask: ConsentAsk) => Promise<ConsentFacts> },
): Promise<ConsentDecision[]> {
  const { shopId, questions: qs } = b;
  const read = b.read ?? (async (ask: ConsentAsk) => (await consentFacts(db, [ask]))[0]!);
  const phones = [...new Set(qs.map((q) => q.phone))];
  const { suppressions, facts } = await read({ shopId, phones });
  return Promise.all(
    qs.map(async (q) => {
      const suppressed = suppressions.get(q.phone);
      if (suppressed)
        return refuse(`number suppressed (${suppressed.reason}, ${suppressed.suppressedAt.toISOString()})`);
      const forNumber = { shopId, phone: q.phone, ...(q.customerId ? { customerId: q.customerId } : {}) };
      const latest = facts.find((f) => f.phone === q.phone && (!q.customerId || f.customerId === q.customerId));
      if (latest?.state === "SUBSCRIBED")
        return pass(`subscribed on this number (${latest.source.toLowerCase()}, ${latest.occurredAt.toISOString()})`);

      const restock = await restockConsent(db, q, forNumber);
      if (restock) return pass(restock);
      if (latest) return refuse(`SMS consent for this number is ${latest.state.toLowerCase()}`);
      const elsewhere = q.customerId
        ? await db.consentEvent.count({
            where: { shopId, customerId: q.customerId, scope: "marketing", state: "SUBSCRIBED" },
          })
        : 0;
      return refuse(
        elsewhere ? "no consent for this number (consent was given for another number)" : "no consent for this number",
      );
    }),
  );
}

/**
 * The active suppressions of these numbers (as is, or as their keyed hash once a redaction
 * erased the shopper: consent/suppression) and their marketing consent facts, newest first, for
 * each ask (a shop's numbers), in one statement on the driver adapter for every ask: asked for
 * every send batch, and Prisma compiles every statement anew (messaging/dispatch-reads).
 */
export async function consentFacts(db: Db, asks: ConsentAsk[]): Promise<ConsentFacts[]> {
  const asked = asks.filter((a) => a.phones.length);
  if (asked.length === 0) return asks.map(() => ({ suppressions: new Map(), facts: [] }));
  const suppression = suppressionsQuery(asks);
  const suppressed = suppression.sql
    ? Prisma.sql` UNION ALL SELECT 'suppression', s."shopId", s."phone", NULL, s."reason", NULL, s."suppressedAt", NULL, NULL
        FROM (${suppression.sql}) s`
    : Prisma.empty;
  const numbers = Prisma.join(
    asked.map(({ shopId, phones }) => Prisma.sql`("shopId" = ${shopId} AND "phone" IN (${valueList(phones)}))`),
    " OR ",
  );
  const rows = await sqlOn(db).query<{
    kind: "fact" | "suppression";
    shopId: string;
    phone: string;
    customerId: string | null;
    state: string;
    source: string;
    at: Date | string;
  }>(Prisma.sql`SELECT 'fact' AS "kind", "shopId", "phone", "customerId", CAST("state" AS TEXT) AS "state",
      CAST("source" AS TEXT) AS "source", "occurredAt" AS "at", "recordedAt", "id" FROM "ConsentEvent"
    WHERE (${numbers}) AND "scope" = 'marketing'${suppressed}
    ORDER BY "kind", "at" DESC, "recordedAt" DESC, "id" DESC`);
  const suppressions = suppression.read(
    rows.flatMap((r) =>
      r.kind === "suppression" ? [{ shopId: r.shopId, phone: r.phone, reason: r.state, suppressedAt: r.at }] : [],
    ),
  );
  return asks.map(({ shopId }, k) => ({
    suppressions: suppressions[k]!,
    facts: rows.flatMap((r) =>
      r.kind === "fact" && r.shopId === shopId
        ? [{ phone: r.phone, customerId: r.customerId, state: r.state, source: r.source, occurredAt: asDate(r.at) }]
        : [],
    ),
  }));
}

async function restockConsent(
  db: Db,
  q: ConsentQuestion,
  forNumber: { shopId: string; phone: string; customerId?: string },
): Promise<string | null> {
  if (!q.flowRunId) return null;
  const run = await db.flowRun.findUnique({ where: { id: q.flowRunId }, select: { context: true } });
  const variant = (run?.context as { variantShopifyId?: string } | null)?.variantShopifyId;
  if (!variant) return null;
  const facts = await db.consentEvent.findMany({
    where: { ...forNumber, scope: "restock" },
    orderBy: [{ occurredAt: "desc" }, { recordedAt: "desc" }],
    select: { state: true, evidence: true },
    take: 50,
  });
  const fact = facts.find((f) => (f.evidence as { variantId?: string } | null)?.variantId === variant);
  return fact?.state === "SUBSCRIBED" ? `restock alert consent for variant ${variant}` : null;
}

const pass = (detail: string): ConsentDecision => ({ decision: "pass", detail });
const refuse = (detail: string): ConsentDecision => ({ decision: "refuse", detail });
