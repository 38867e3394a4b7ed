import { randomUUID } from "node:crypto";
import type { OutgoingSms, SendAccepted, SmsProvider } from "./provider";

/**
 * The embedded default: nothing leaves the machine. Sent messages are kept (newest last)
 * for the admin's outbox view and the tests; delivery is simulated by the dispatcher
 * recording a "delivered" status for each accepted message.
 */
export class OutboxProvider implements SmsProvider {
  readonly name = "outbox";
  readonly sent: (OutgoingSms & SendAccepted & { at: Date })[] = [];

  async send(sms: OutgoingSms): Promise<SendAccepted> {
    const accepted = { providerMessageId: `OB${randomUUID().replace(/-/g, "")}`, status: "delivered" };
    this.sent.push({ ...sms, ...accepted, at: new Date() });
    return accepted;
  }

  async findSent(q: { to: string; body: string; since: Date }): Promise<SendAccepted | null> {
    const hit = this.sent.find((s) => s.to === q.to && s.body === q.body && s.at >= q.since);
    return hit ? { providerMessageId: hit.providerMessageId, status: hit.status } : null;
  }
}
