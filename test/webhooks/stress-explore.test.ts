import { expect, it, vi } from "vitest";
import db from "../../app/db.server";
import { MINUTE } from "../../app/clock";
import { log } from "../../app/observability/log.server";
import { processWebhooks } from "../../app/webhooks/process-batch.server";
import { TestShop, uniqueShop } from "../support/app";
import { customerPayload, orderPayload } from "../support/fixtures";

const START = new Date("2026-06-01T12:00:00Z");
const at = (m: number) => new Date(START.getTime() + m * MINUTE);
let seed = 7;
const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;

it("explore: concurrent batches of one shop", async () => {
  const ROUNDS = Number(process.env.ROUNDS ?? 5);
  const warn = vi.spyOn(log, "warn");
  const shop = new TestShop(uniqueShop("stress"), START);
  const { id: shopId } = await shop.install();
  await db.flow.updateMany({ where: { shopId }, data: { enabled: true } });
  const customers = Array.from({ length: 30 }, (_, i) =>
    customerPayload({ id: 7000 + i, updatedAt: at(0), phone: `+1415555${String(1000 + i)}`, smsState: i % 2 ? "subscribed" : undefined, consentAt: at(-10) }),
  );
  for (const c of customers) await shop.send("customers/create", c);
  await shop.work();
  let order = 80000;
  for (let round = 0; round < ROUNDS; round++) {
    for (let i = 0; i < 160; i++) {
      const c = customers[Math.floor(random() * customers.length)]!;
      const m = round * 200 + i + 1;
      if (random() < 0.3) await shop.send("customers/update", { ...c, first_name: `N${m}`, updated_at: at(m).toISOString() });
      else await shop.send("orders/create", orderPayload({ id: order++, customer: c, at: at(m), total: "10.00" }));
    }
    const ids = (await db.webhookInbox.findMany({ where: { shopDomain: shop.domain, status: "RECEIVED" }, select: { id: true } })).map((r) => r.id);
    for (let i = ids.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [ids[i], ids[j]] = [ids[j]!, ids[i]!];
    }
    const K = 8;
    const batches = Array.from({ length: K }, (_, k) => ids.filter((_, i) => i % K === k));
    const results = await Promise.all(batches.map((b) => processWebhooks(shop.deps, b)));
    const errors = results.flatMap((r) => [...r.values()].filter((v) => v instanceof Error)).map((e) => String((e as Error).message).slice(-200));
    console.log("round", round, "fallbacks", warn.mock.calls.filter((c) => String(c[0]).includes("batch failed")).length, "errors", errors.length, errors.slice(0, 3));
    for (const c of warn.mock.calls.filter((c) => String(c[0]).includes("batch failed"))) console.log(JSON.stringify(c[1]).slice(0, 400));
    warn.mockClear();
  }
  expect(true).toBe(true);
}, 900_000);
