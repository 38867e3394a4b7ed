import { describe, expect, it } from "vitest";
import db from "../../app/db.server";
import { JOB_PAYLOADS, QUEUES } from "../../app/jobs/registry";
import { jobHandlers } from "../../app/runtime/job-handlers.server";
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

  it("refuses a payload that breaks its queue's schema before the handler runs", async () => {
    // GIVEN a send job whose stored payload lost its message id (a hand-edited row, an old producer)
    const shop = new TestShop(uniqueShop("registry"));
    const send = jobHandlers(shop.deps)[QUEUES.sendMessage];

    // WHEN the worker runs it THEN it fails on the schema, naming the missing field
    await expect(send({ messageID: "m1" })).rejects.toThrow(/messageId/);
  });

  it("hands a valid payload to its handler", async () => {
    // GIVEN a send job for a message that does not exist (deleted by a redact)
    const shop = new TestShop(uniqueShop("registry"));
    const send = jobHandlers(shop.deps)[QUEUES.sendMessage];

    // WHEN it runs THEN the send handler itself decides (nothing to send), no schema error
    await expect(send({ messageId: "no-such-message" })).resolves.toBeUndefined();
    expect(await db.message.count({ where: { id: "no-such-message" } })).toBe(0);
  });
});
