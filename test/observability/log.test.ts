import { afterEach, describe, expect, it, vi } from "vitest";
import { log, redact, withLogContext } from "../../app/observability/log.server";

/** What the logger wrote, one parsed JSON object per line. */
function capture() {
  const lines: string[] = [];
  const grab = (chunk: string | Uint8Array) => (lines.push(String(chunk)), true);
  vi.spyOn(process.stdout, "write").mockImplementation(grab);
  vi.spyOn(process.stderr, "write").mockImplementation(grab);
  return () =>
    lines
      .join("")
      .trim()
      .split("\n")
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Record<string, unknown>);
}

afterEach(() => {
  vi.restoreAllMocks();
  delete process.env.LOG_LEVEL;
});

describe("structured logs", () => {
  it("writes one JSON object per line with level, msg, time and the fields", () => {
    const lines = capture();
    log.info("worker started", { workerId: "host:1", engine: "pg-boss" });
    log.warn("job failed", { queue: "messages.send", attempt: 2 });
    const [info, warn] = lines();
    expect(info).toMatchObject({ level: "info", msg: "worker started", workerId: "host:1", engine: "pg-boss" });
    expect(new Date(String(info!.time)).getTime()).not.toBeNaN();
    expect(warn).toMatchObject({ level: "warn", queue: "messages.send", attempt: 2 });
  });

  it("drops lines below LOG_LEVEL", () => {
    process.env.LOG_LEVEL = "warn";
    const lines = capture();
    log.debug("a");
    log.info("b");
    log.error("c");
    expect(lines().map((l) => l.msg)).toEqual(["c"]);
  });

  it("never writes phone numbers, names, e-mail addresses or message text", () => {
    const lines = capture();
    log.warn("send to +14155550123 failed for jane@example.com", {
      phone: "+14155550123",
      customer: { firstName: "Priya", lastName: "Okafor", email: "p@example.com", address: { address1: "1 Main St" } },
      body: "Hi Priya, 20% off today",
      error: new Error("The 'To' number +1 415 555 0123 is not valid (call 212-555-0199)"),
      note: "ring 07400123456",
    });
    const text = JSON.stringify(lines());
    for (const secret of [
      "4155550123",
      "415 555 0123",
      "212-555-0199",
      "07400123456",
      "Priya",
      "Okafor",
      "example.com",
      "Main St",
      "20% off",
    ]) {
      expect(text).not.toContain(secret);
    }
    expect(lines()[0]).toMatchObject({
      phone: "[redacted]",
      body: "[redacted]",
      customer: { firstName: "[redacted]" },
      error: { errorClass: "Error" },
    });
  });

  it("keeps ids, counts and dates that are not personal data", () => {
    expect(
      redact({
        jobId: "12345678-34d2-43bd-aa06-89f9f9d219b1",
        shop: "demo-store.myshopify.com",
        messageId: "cm4x9abc",
        attempt: 3,
        at: new Date("2026-07-01T17:00:00Z"),
      }),
    ).toEqual({
      jobId: "12345678-34d2-43bd-aa06-89f9f9d219b1",
      shop: "demo-store.myshopify.com",
      messageId: "cm4x9abc",
      attempt: 3,
      at: "2026-07-01T17:00:00.000Z",
    });
  });
});

describe("log context (a job, a request)", () => {
  it("adds the context's bindings to every line written inside it, however deep", async () => {
    // GIVEN a job running under its context
    const lines = capture();
    const deepInTheDomain = async () => log.info("message sent", { messageId: "m1" });

    // WHEN code anywhere below it logs
    await withLogContext({ queue: "messages.send", jobId: "j1" }, async () => {
      await deepInTheDomain();
      await withLogContext({ step: 2 }, async () => log.warn("held"));
    });
    log.info("outside");

    // THEN those lines carry the job, nested contexts add to it, and lines outside do not
    const [sent, held, outside] = lines();
    expect(sent).toMatchObject({ queue: "messages.send", jobId: "j1", messageId: "m1", msg: "message sent" });
    expect(held).toMatchObject({ queue: "messages.send", jobId: "j1", step: 2, level: "warn" });
    expect(outside).not.toHaveProperty("jobId");
  });

  it("redacts personal data in a context's bindings too", () => {
    const lines = capture();
    withLogContext({ phone: "+14155550123", note: "from jane@example.com" }, () => log.info("reply stored"));
    const text = JSON.stringify(lines());
    expect(text).not.toContain("4155550123");
    expect(text).not.toContain("jane@example.com");
  });
});
