import type { Db } from "../db.server";
import { phoneDigitForms, shopperSubjectKeys } from "./inbox-subjects";
import { emptyInboxBodies } from "./retention.server";

/** Rejected bodies scanned by text per redaction (the only rows that may lack a subject index). */
const REJECTED_SCAN_LIMIT = 1000;

/**
 * Empties every stored webhook body of the shop that names the shopper, found through the
 * subject index written at ingest (WebhookInboxSubject), plus a bounded text scan of the shop's
 * rejected bodies (a malformed body could not be indexed). Rows stay as duplicate guards.
 *
 * A body not processed yet is emptied too and marked REJECTED with the reason: processing it
 * after the redaction would write the shopper back.
 */
export async function eraseInboxBodies({
  db,
  shopDomain,
  who,
  except,
  at,
}: {
  db: Db;
  shopDomain: string;
  who: { customerIds: string[]; emails: string[]; phones: string[] };
  except: string;
  at: Date;
}): Promise<number> {
  const keys = shopperSubjectKeys(who);
  const indexed = keys.length
    ? await db.webhookInboxSubject.findMany({
        where: { shopDomain, key: { in: keys } },
        select: { inboxId: true },
        distinct: ["inboxId"],
      })
    : [];
  const needles = [...who.emails, ...who.phones.flatMap(phoneDigitForms)];
  const scanned = needles.length
    ? await db.webhookInbox.findMany({
        where: {
          shopDomain,
          status: "REJECTED",
          payloadPrunedAt: null,
          OR: needles.map((n) => ({ payload: { contains: n } })),
        },
        select: { id: true },
        take: REJECTED_SCAN_LIMIT,
      })
    : [];
  const ids = [...new Set([...indexed.map((r) => r.inboxId), ...scanned.map((r) => r.id)])].filter(
    (id) => id !== except,
  );
  if (!ids.length) return 0;
  // Not processed yet: never processed now.
  await db.webhookInbox.updateMany({
    where: { id: { in: ids }, status: { in: ["RECEIVED", "FAILED"] } },
    data: { status: "REJECTED", error: "emptied by customers/redact before it was processed" },
  });
  return emptyInboxBodies(db, ids, at);
}
