import { describe, expect, it } from "vitest";
import db from "../../app/db.server";
import { capturedLogs } from "./support/log-capture";

/**
 * Runs last in `npm run test:faults` (see vitest.faults.config.ts): everything the app
 * logged during the suite, in the test processes and in every child worker, against every
 * shopper the suite created (the scratch database still holds them all).
 */
describe("logs of the whole fault suite", () => {
  it("hold no phone number, e-mail address or name of any shopper", async () => {
    const logs = capturedLogs();
    const lines = logs.split("\n").filter((l) => l.startsWith("{"));
    const customers = await db.customer.findMany({
      select: { phone: true, phoneRaw: true, email: true, firstName: true, lastName: true },
    });
    const inbound = await db.message.findMany({ where: { phone: { not: null } }, select: { phone: true } });

    const phones = new Set(
      [...customers.flatMap((c) => [c.phone, c.phoneRaw]), ...inbound.map((m) => m.phone)].filter(
        (p): p is string => !!p,
      ),
    );
    // A name shorter than 4 letters ("Ng", "Ito") also occurs inside ordinary words.
    const names = new Set(
      customers.flatMap((c) => [c.firstName, c.lastName]).filter((n): n is string => !!n && n.length >= 4),
    );
    const emails = new Set(customers.map((c) => c.email).filter((e): e is string => !!e));

    const leaks: string[] = [];
    for (const phone of phones) {
      const national = phone.replace(/\D/g, "").slice(-9); // also the number written without its country code
      if (logs.includes(phone) || logs.includes(national)) leaks.push(`phone ${phone}`);
    }
    for (const email of emails) if (logs.includes(email)) leaks.push(`e-mail ${email}`);
    for (const name of names)
      if (new RegExp(`(^|[^\\p{L}])${name}([^\\p{L}]|$)`, "u").test(logs)) leaks.push(`name ${name}`);
    expect(leaks).toEqual([]);

    // The capture itself worked: operational events are there, as JSON lines (which ones
    // depends on the tests that ran: rejections, send failures, worker lifecycles, ...).
    const messages = new Set(lines.map((l) => (JSON.parse(l) as { msg: string }).msg));
    expect(
      [...messages].filter((m) => ["webhook rejected", "send failed", "job failed", "worker started"].includes(m)),
    ).not.toEqual([]);
    const fromWorkers = lines.filter((l) => l.includes('"workerId"')).length;
    console.log(
      `faults: ${lines.length} log lines from the suite (${fromWorkers} from child worker lifecycles), checked against ${phones.size} phones, ${emails.size} e-mails and ${names.size} names: 0 found`,
    );
  });
});
