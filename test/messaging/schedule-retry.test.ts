import { describe, expect, it } from "vitest";
import db from "../../app/db.server";
import { ensureShop } from "../../app/commerce/shops.server";
import { scheduleMessage } from "../../app/schedule/messages.server";
import { TestShop, testProviders, uniqueShop } from "../support/app";
import { customerPayload } from "../support/fixtures";
import { killableDb } from "../support/killable-db";
import { TableJobQueue } from "../../app/jobs/table-queue.server";

describe("scheduling a message again after a crash", () => {
  it("a scheduler that died between creating the message and queueing its send gets it sent when retried, once", async () => {
    const shop = new TestShop(uniqueShop("schedule-retry"), new Date());
    const { id: shopId } = await ensureShop(db, shop.domain);
    await db.shopSettings.update({ where: { shopId }, data: { quietHoursStartMinute: 1440, quietHoursEndMinute: 0 } });
    const customer = customerPayload({
      updatedAt: new Date(Date.now() - 60_000),
      smsState: "subscribed",
      phone: "+447400999001",
      country: "GB",
      countryName: "United Kingdom",
      province: "ENG",
      city: "London",
    });
    await shop.deliver("customers/create", customer);
    const { id: customerId } = await db.customer.findFirstOrThrow({
      where: { shopId, shopifyId: String(customer.id) },
    });
    const input = {
      shopId,
      customerId,
      body: "Winter roast is back",
      purpose: "marketing" as const,
      idempotencyKey: "campaign:x:1",
      dueAt: shop.clock.now(),
    };

    // The process dies right before the second write: the message exists, its send job does not.
    const faulty = killableDb();
    faulty.killAtWrite(2);
    const dying = { ...shop.deps, db: faulty.db, queue: new TableJobQueue(faulty.db, () => shop.clock.now()) };
    await expect(scheduleMessage(dying, input)).rejects.toThrow(/killed before job.create/);
    expect(await db.message.count({ where: { shopId } })).toBe(1);

    // The job engine retries the scheduler (the campaign job); now the send is queued and runs.
    expect((await scheduleMessage(shop.deps, input)).created).toBe(false);
    await scheduleMessage(shop.deps, input); // and again: still one message, one text
    await shop.work();
    expect(testProviders.outbox.sent.filter((s) => s.to === customer.phone)).toHaveLength(1);
    expect((await db.message.findFirstOrThrow({ where: { shopId } })).status).toBe("DELIVERED");
  });
});
