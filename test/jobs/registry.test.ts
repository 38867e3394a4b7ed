import { describe, expect, it } from "vitest";
import db from "../../app/db.server";
import { JOB_PAYLOADS, QUEUES } from "../../app/jobs/registry";
import { jobHandlers } from "../../app/jobs/handlers.server";
import { TestShop, uniqueShop } from "../support/app";

// The registry is the one list of queues: every queue has a payload schema and a handler,
// and a payload that does not match its schema never reaches the handler.
describe("job registry", () => {
  it("has a payload schema and a handler for every queue", () => {
    const shop = new TestShop(uniqueShop("registry"));
    const queues = Object.values(QUEUES).sort();
    expect(Object.keys(JOB_PAYLOADS).sort()).toEqual(queues);
    expect(Object.keys(jobHandlers(shop.deps)).sort()).toEqual(queues);
  });

  it("fails a job whose stored payload breaks its queue's schema, without running the handler", async () => {
    // GIVEN a send job whose payload lost its message id (a hand-edited row, an old producer)
    const shop = new TestShop(uniqueShop("registry"));
    const job = await db.job.create({ data: { queue: QUEUES.sendMessage, payload: { messageID: "m1" } } });

    // WHEN the worker runs it
    const ran = await shop.deps.queue.runDue(
      { [QUEUES.sendMessage]: jobHandlers(shop.deps)[QUEUES.sendMessage] },
      "test-worker",
      10,
      new Date("9999-01-01T00:00:00Z"),
    );

    // THEN it failed on the schema (kept for a retry with the reason), and no message was touched
    expect(ran).toBe(1);
    const after = await db.job.findUniqueOrThrow({ where: { id: job.id } });
    expect(after.attempts).toBe(1);
    expect(after.lockedAt).toBeNull();
    expect(await db.message.count({ where: { id: "m1" } })).toBe(0);
  });
});
