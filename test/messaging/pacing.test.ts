import { describe, expect, it } from "vitest";
import db from "../../app/db.server";
import { ensureShop } from "../../app/commerce/shops.server";
import { reserveSendSlots } from "../../app/messaging/send-pace.server";
import { uniqueShop } from "../support/app";

describe("per-shop send pacing", () => {
  it("workers share a shop's rate through the database: their reserved slots never overlap", async () => {
    const shop = await ensureShop(db, uniqueShop("pace-shared"));
    const other = await ensureShop(db, uniqueShop("pace-other"));
    const nowMs = Date.parse("2026-07-01T18:00:00Z");
    // Three workers reserve at the same instant for 4, 3 and 5 texts at 10 a second.
    const reserved = await Promise.all(
      [4, 3, 5].map((count) => reserveSendSlots(db, { shopId: shop.id, perSecond: 10, count, nowMs })),
    );
    const slots = reserved.flat().sort((a, b) => a - b);
    expect(slots.map((ms) => Math.round(ms - nowMs))).toEqual(Array.from({ length: 12 }, (_, i) => i * 100));
    // Another shop starts at once; a reservation after a pause starts at its own now, not in the past.
    expect(await reserveSendSlots(db, { shopId: other.id, perSecond: 10, count: 1, nowMs })).toEqual([nowMs]);
    const later = nowMs + 60_000;
    expect(await reserveSendSlots(db, { shopId: shop.id, perSecond: 10, count: 2, nowMs: later })).toEqual([
      later,
      later + 100,
    ]);
  });
});
