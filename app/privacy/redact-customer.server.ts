import type { z } from "zod";
import type { Db } from "../db.server";
import type { CustomersRedactPayload } from "../shopify-payloads";
import { normalisePhone } from "../contacts/phone";
import { numberHasher, type NumberHasher } from "../contacts/number-hash.server";
import { eraseInboxBodies } from "./redact-inbox.server";

type Who = z.infer<typeof CustomersRedactPayload>["customer"];

/** The shop's customer rows (Shopify customers and local contacts) the request names. */
export async function findCustomers(db: Db, shopId: string, who: Who) {
  const normalised = normalisePhone(who.phone);
  const phone = normalised.ok ? normalised.e164 : null;
  const or = [
    ...(who.id ? [{ shopifyId: who.id }] : []),
    ...(who.email ? [{ email: who.email }] : []),
    ...(phone ? [{ phone }] : []),
  ];
  if (!or.length) return [];
  return db.customer.findMany({ where: { shopId, OR: or } });
}

const REDACTED_BODY = "[redacted]";
const REDACTED_EVIDENCE = { redacted: true };

/**
 * customers/redact: erases the shopper from every table, found by customer id, e-mail and
 * every number they had, so rows that carry only a phone (a STOP from a number before it
 * was a customer, a guest checkout, a storefront sign-up) go too:
 * - customer rows and local contacts: personal fields cleared, kept as REDACTED for statistics;
 * - messages: number and text; their delivery callbacks' data;
 * - checkouts (the customer's, and guests' with the same e-mail or number): e-mail, phone, recovery URL;
 * - restock watches, segment memberships, data exports: deleted;
 * - webhook bodies naming them (privacy/redact-inbox): emptied;
 * - what must be kept is kept without the person: consent facts keep state, source, scope,
 *   wording and times, with a keyed hash in place of the number; a suppressed number stays
 *   suppressed under its keyed hash (contacts/number-hash; docs/SECURITY.md says why).
 * Idempotent: a second run finds nothing left to erase.
 */
export async function redactCustomer({
  db,
  shopId,
  shopDomain,
  payload,
  at,
  inboxId,
  hasher = numberHasher(),
}: {
  db: Db;
  shopId: string;
  shopDomain: string;
  payload: z.infer<typeof CustomersRedactPayload>;
  at: Date;
  /** The customers/redact row itself (its own body is emptied when it is marked processed). */
  inboxId: string;
  hasher?: NumberHasher;
}): Promise<number> {
  const who = payload.customer;
  const customers = await findCustomers(db, shopId, who);
  const customerIds = customers.map((c) => c.id);
  const numbers = await numbersOf({ db, shopId, who, customerIds });
  const asGiven = [who.phone, ...customers.map((c) => c.phoneRaw)].filter((p): p is string => !!p);
  const emails = [who.email, ...customers.map((c) => c.email)].filter((e): e is string => !!e);

  for (const c of customers) {
    await db.$transaction([
      db.customer.update({
        where: { id: c.id },
        data: {
          email: null,
          phone: null,
          phoneRaw: null,
          firstName: null,
          lastName: null,
          city: null,
          provinceCode: null,
          // Where the shopper lives, to the street: the coordinates and the zone derived from them.
          latitude: null,
          longitude: null,
          timeZone: null,
          tags: null,
          locale: null,
          smsConsent: "REDACTED",
          redactedAt: at,
        },
      }),
      db.restockWatch.deleteMany({ where: { shopId, customerId: c.id } }),
      db.segmentMembership.deleteMany({ where: { shopId, customerId: c.id } }),
      db.dataExport.deleteMany({ where: { shopId, customerShopifyId: c.shopifyId } }),
    ]);
  }
  // By number first, so each consent fact keeps the keyed hash of the number it was for.
  for (const phone of numbers) await eraseNumber({ db, shopId, phone, asGiven, at, hasher });
  // What is left of the customers' own rows (facts and texts without a number, or already hashed).
  if (customerIds.length) {
    await eraseMessages(db, { shopId, customerId: { in: customerIds } });
    await db.$transaction([
      db.consentEvent.updateMany({
        where: { shopId, customerId: { in: customerIds } },
        data: { phone: null, evidence: REDACTED_EVIDENCE, redactedAt: at },
      }),
      db.checkout.updateMany({
        where: { shopId, customerId: { in: customerIds } },
        data: { email: null, phone: null, recoveryUrl: null },
      }),
      db.consentRequest.updateMany({
        where: { shopId, customerId: { in: customerIds } },
        data: { phone: null, evidence: REDACTED_EVIDENCE },
      }),
    ]);
  }
  if (emails.length) {
    // Guest checkouts carry the e-mail without a customer record.
    await db.checkout.updateMany({
      where: { shopId, email: { in: emails } },
      data: { email: null, phone: null, recoveryUrl: null },
    });
  }
  await eraseInboxBodies({
    db,
    shopDomain,
    who: { customerIds: customers.map((c) => c.shopifyId), emails, phones: [...numbers, ...asGiven] },
    except: inboxId,
    at,
  });
  await recountMembers(db, shopId);
  return customers.length;
}

/** Every E.164 number the shopper is known by: the request's, their rows', and older ones in their history. */
async function numbersOf({
  db,
  shopId,
  who,
  customerIds,
}: {
  db: Db;
  shopId: string;
  who: Who;
  customerIds: string[];
}): Promise<Set<string>> {
  const numbers = new Set<string>();
  const requested = normalisePhone(who.phone);
  if (requested.ok) numbers.add(requested.e164);
  if (!customerIds.length) return numbers;
  const mine = { shopId, customerId: { in: customerIds }, phone: { not: null } };
  const [customers, facts, texts] = await Promise.all([
    db.customer.findMany({ where: { id: { in: customerIds }, phone: { not: null } }, select: { phone: true } }),
    db.consentEvent.findMany({ where: mine, select: { phone: true }, distinct: ["phone"] }),
    db.message.findMany({ where: mine, select: { phone: true }, distinct: ["phone"] }),
  ]);
  for (const row of [...customers, ...facts, ...texts]) if (row.phone) numbers.add(row.phone);
  return numbers;
}

/** Everything keyed by one number, whoever it was recorded for (or nobody). */
async function eraseNumber({
  db,
  shopId,
  phone,
  asGiven,
  at,
  hasher,
}: {
  db: Db;
  shopId: string;
  phone: string;
  asGiven: string[];
  at: Date;
  hasher: NumberHasher;
}) {
  await eraseMessages(db, { shopId, phone });
  await db.$transaction([
    db.consentEvent.updateMany({
      where: { shopId, phone },
      data: { phone: null, phoneHash: hasher.hash(shopId, phone), evidence: REDACTED_EVIDENCE, redactedAt: at },
    }),
    db.restockWatch.deleteMany({ where: { shopId, phone } }),
    // Sign-ups waiting for their "Y" (confirmed opt-in) hold the number too.
    db.consentRequest.updateMany({ where: { shopId, phone }, data: { phone: null, evidence: REDACTED_EVIDENCE } }),
    // Checkouts keep the number as Shopify sent it: match that too.
    db.checkout.updateMany({
      where: { shopId, phone: { in: [phone, ...asGiven] } },
      data: { email: null, phone: null, recoveryUrl: null },
    }),
  ]);
  await hashSuppression({ db, shopId, phone, hasher });
}

/** Texts lose their number, wording and error text (a provider's error can quote the number); their delivery callbacks lose the provider's data. */
async function eraseMessages(db: Db, where: { shopId: string; phone?: string; customerId?: { in: string[] } }) {
  const texts = await db.message.findMany({ where, select: { id: true } });
  if (!texts.length) return;
  const ids = texts.map((t) => t.id);
  await db.$transaction([
    db.message.updateMany({ where: { id: { in: ids } }, data: { phone: null, body: REDACTED_BODY, error: null } }),
    db.deliveryEvent.updateMany({ where: { messageId: { in: ids } }, data: { raw: REDACTED_EVIDENCE } }),
  ]);
}

/**
 * The suppression list keeps a STOP for good, but not the number: the row's number becomes its
 * keyed hash, which the send gate still matches (consent/suppression checks every form). If
 * the number was suppressed and redacted before, the hashed row takes this row's state.
 */
async function hashSuppression({
  db,
  shopId,
  phone,
  hasher,
}: {
  db: Db;
  shopId: string;
  phone: string;
  hasher: NumberHasher;
}) {
  const row = await db.smsSuppression.findUnique({ where: { shopId_phone: { shopId, phone } } });
  if (!row) return;
  const hashed = hasher.hash(shopId, phone);
  const state = {
    reason: row.reason,
    suppressedAt: row.suppressedAt,
    liftedAt: row.liftedAt,
    liftedBy: row.liftedBy,
    evidence: REDACTED_EVIDENCE,
  };
  const earlier = await db.smsSuppression.findUnique({ where: { shopId_phone: { shopId, phone: hashed } } });
  if (earlier) {
    await db.$transaction([
      db.smsSuppression.update({ where: { id: earlier.id }, data: state }),
      db.smsSuppression.delete({ where: { id: row.id } }),
    ]);
  } else {
    await db.smsSuppression.update({ where: { id: row.id }, data: { phone: hashed, ...state } });
  }
}

async function recountMembers(db: Db, shopId: string) {
  const counts = await db.segmentMembership.groupBy({ by: ["segmentId"], where: { shopId }, _count: { _all: true } });
  const byId = new Map(counts.map((c) => [c.segmentId, c._count._all]));
  const segments = await db.segment.findMany({ where: { shopId }, select: { id: true } });
  for (const s of segments)
    await db.segment.update({ where: { id: s.id }, data: { memberCount: byId.get(s.id) ?? 0 } });
}
