import type { Db } from "../../db.server";
import { maskPhone } from "../../contacts/mask-phone";
import { PAGE_SIZE } from "../paginate.server";

type MemberRow = {
  id: string;
  firstName: string | null;
  lastName: string | null;
  phone: string | null;
  smsConsent: string;
};
export const memberSelect = { id: true, firstName: true, lastName: true, phone: true, smsConsent: true } as const;
/** A member as the pages show one: name or "(no name)", the number masked. */
export const shown = (c: MemberRow) => ({
  id: c.id,
  name: [c.firstName, c.lastName].filter(Boolean).join(" ") || "(no name)",
  phone: maskPhone(c.phone),
  consent: c.smsConsent,
});

/**
 * A page of members, newest customers first, keyset on the membership's primary key
 * (segmentId, customerId): `after` is the last customer id of the previous page. (Ordering
 * by enteredAt would need a tie-breaker index: a backfill enters thousands at one instant.)
 */
export async function segmentMembers({
  db,
  shopId,
  segmentId,
  after,
  size = PAGE_SIZE,
}: {
  db: Db;
  shopId: string;
  segmentId: string;
  after: string | null;
  size?: number;
}) {
  const rows = await db.segmentMembership.findMany({
    where: { shopId, segmentId, ...(after ? { customerId: { lt: after } } : {}) },
    orderBy: { customerId: "desc" },
    take: size + 1,
    include: { customer: { select: memberSelect } },
  });
  const page = rows.slice(0, size);
  return {
    members: page.map((m) => ({ ...shown(m.customer), enteredAt: m.enteredAt.toISOString() })),
    nextCursor: rows.length > size ? page[page.length - 1]!.customerId : null,
  };
}
