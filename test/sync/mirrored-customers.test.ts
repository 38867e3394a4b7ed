import { describe, expect, it } from "vitest";
import db from "../../app/db.server";
import { HOUR } from "../../app/clock";
import { ensureShop } from "../../app/commerce/shops.server";
import { customerProfile } from "../../app/commerce/customers.server";
import { CustomerPayload } from "../../app/shopify-payloads";
import { writeCustomerBatch } from "../../app/sync/write-customers.server";
import {
  MIRRORED_SELECT,
  writeMirroredCustomers,
  type MirroredRow,
} from "../../app/sync/update-mirrored-customers.server";
import { uniqueShop } from "../support/app";
import { customerPayload } from "../support/fixtures";

// A batch's snapshot of a customer already mirrored (most orders/create carry one): newest
// wins by Shopify's updated_at whether or not the profile changed, and a snapshot that
// repeats the profile moves only the newest-wins mark.

const T0 = new Date("2026-06-01T12:00:00Z");
const at = (hours: number) => new Date(T0.getTime() + hours * HOUR);
const from = { topic: "orders/create", receivedAt: T0 };

async function mirrored(label: string) {
  const { id: shopId } = await ensureShop(db, uniqueShop(label));
  const snapshot = (o: { updatedAt: Date; firstName?: string; city?: string }) =>
    CustomerPayload.parse(customerPayload({ id: 7_100_001, phone: "+14155550188", createdAt: at(-24), ...o }));
  const write = (payload: CustomerPayload) => writeCustomerBatch({ db, shopId, payloads: [payload], from });
  const row = () => db.customer.findFirstOrThrow({ where: { shopId, shopifyId: "7100001" } });
  await write(snapshot({ updatedAt: at(0), firstName: "Ann" }));
  return { shopId, snapshot, write, row };
}

describe("a mirrored customer's snapshot in a batch", () => {
  it("with the same profile moves the newest-wins mark: an older snapshot that differs is then refused", async () => {
    const { snapshot, write, row } = await mirrored("mirror-same");
    const before = await row();
    await write(snapshot({ updatedAt: at(2), firstName: "Ann" }));
    const after = await row();
    expect(after.shopifyUpdatedAt).toEqual(at(2));
    expect({ ...after, shopifyUpdatedAt: null, updatedAt: null }).toEqual({
      ...before,
      shopifyUpdatedAt: null,
      updatedAt: null,
    });
    // Shopify's state at 1 h, delivered late: older than the 2 h snapshot the row now reflects.
    await write(snapshot({ updatedAt: at(1), firstName: "Bea" }));
    expect((await row()).firstName).toBe("Ann");
  });

  it("with a changed profile writes it, and the same snapshot again leaves the row as it is", async () => {
    const { snapshot, write, row } = await mirrored("mirror-changed");
    await write(snapshot({ updatedAt: at(1), firstName: "Bea", city: "Oakland" }));
    const changed = await row();
    expect(changed).toMatchObject({ firstName: "Bea", city: "Oakland", shopifyUpdatedAt: at(1) });
    await write(snapshot({ updatedAt: at(1), firstName: "Bea", city: "Oakland" }));
    expect(await row()).toEqual(changed);
  });

  it("keeps a zone the row's coordinates gave it: a snapshot differing only in the address's zone is unchanged", async () => {
    const { snapshot, write, row } = await mirrored("mirror-placed");
    const { id } = await row();
    await db.customer.update({
      where: { id },
      data: { latitude: 21.3, longitude: -157.8, timeZone: "Pacific/Honolulu" },
    });
    await write(snapshot({ updatedAt: at(1), firstName: "Ann" }));
    expect(await row()).toMatchObject({ timeZone: "Pacific/Honolulu", shopifyUpdatedAt: at(1) });
  });

  it("is written in full when another writer changed the profile after it was read", async () => {
    const { shopId, snapshot, row } = await mirrored("mirror-raced");
    const payload = snapshot({ updatedAt: at(2), firstName: "Ann" });
    // Read while the row still held the payload's profile (as of 0 h)…
    const [read] = await db.$queryRaw<MirroredRow[]>`
      SELECT "id", ${MIRRORED_SELECT} FROM "Customer" WHERE "shopId" = ${shopId} AND "shopifyId" = '7100001'`;
    // …then a snapshot as of 1 h with another name committed before this write.
    await db.customer.update({ where: { id: read!.id }, data: { firstName: "Bea", shopifyUpdatedAt: at(1) } });
    await writeMirroredCustomers(db, {
      rows: [{ payload, ...(await customerProfile(payload)) }],
      existing: new Map([["7100001", { ...read!, shopifyUpdatedAt: at(0) }]]),
      stamp: new Date(),
    });
    expect(await row()).toMatchObject({ firstName: "Ann", shopifyUpdatedAt: at(2) });
  });
});
