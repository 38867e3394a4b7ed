import { describe, expect, it } from "vitest";
import { SendPacer } from "../../app/messaging/rate-limit";

describe("per-shop send pacing", () => {
  it("holds each shop to its messages per second, independently of other shops", async () => {
    // Sleeps are recorded, not waited: the n-th send of a burst waits for its slot.
    const sleeps: number[] = [];
    const pacer = new SendPacer(async (ms) => void sleeps.push(ms));
    for (let i = 0; i < 10; i++) await pacer.wait("shop-a", 5); // 5 a second: one slot every 200 ms
    expect(sleeps.map((ms) => Math.round(ms / 100) * 100)).toEqual([200, 400, 600, 800, 1000, 1200, 1400, 1600, 1800]);
    sleeps.length = 0;
    await pacer.wait("shop-b", 5); // another shop has its own slots
    expect(sleeps).toEqual([]);
  });
});
