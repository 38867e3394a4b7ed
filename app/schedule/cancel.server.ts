import type { Db } from "../db.server";

/** Opt-out, exit or uninstall: nothing still waiting is sent. */
export async function cancelPendingMessages({
  db,
  shopId,
  customerId,
  reason,
}: {
  db: Db;
  shopId: string;
  customerId: string;
  reason: string;
}): Promise<number> {
  const { count } = await db.message.updateMany({
    where: {
      shopId,
      customerId,
      direction: "OUTBOUND",
      purpose: { not: "compliance" },
      status: { in: ["SCHEDULED", "HELD"] },
    },
    data: { status: "CANCELLED", error: reason },
  });
  return count;
}
