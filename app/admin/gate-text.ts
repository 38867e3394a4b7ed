import { zonedClockTime } from "./zoned-time";

/** A gate decision as dispatch records it on Message.gateDecisions (app/messaging/gates.server.ts). */
export interface RecordedDecision {
  gate: string;
  decision: string;
  detail: string;
  at: string;
}

export interface GateTextInput {
  status: string;
  direction: string;
  dueAt: Date | string | null;
  error: string | null;
  gateDecisions: unknown;
}

/**
 * Why a message is where it is, in words, from what dispatch recorded: the last gate that
 * did not pass (held / blocked), or the outcome (sent, failed, cancelled, waiting).
 */
export function gateDecisionText(m: GateTextInput): string {
  if (m.direction === "INBOUND") return "reply received";
  const decisions = Array.isArray(m.gateDecisions) ? (m.gateDecisions as RecordedDecision[]) : [];
  const last = decisions.filter((d) => d.decision !== "pass").at(-1);
  switch (m.status) {
    case "HELD":
      return last ? heldText(last, m.dueAt) : "held";
    case "SUPPRESSED":
      return last ? blockedText(last) : `blocked: ${m.error ?? "refused by a gate"}`;
    case "CANCELLED":
      return `cancelled: ${m.error ?? "no longer to be sent"}`;
    case "FAILED":
      return `failed: ${m.error ?? "the provider refused it"}`;
    case "SCHEDULED":
      return last ? `${heldText(last, m.dueAt)} (retrying)` : "waiting to send";
    case "SENDING":
      return "sending";
    default:
      return decisions.length ? "sent: all gates passed" : "sent";
  }
}

function heldText(d: RecordedDecision, dueAt: Date | string | null): string {
  // Details read "quiet hours in <zone>; next allowed <iso>" / "... in 24 h; next slot <iso>".
  const until = d.detail.match(/next (?:allowed|slot) (\S+)/)?.[1] ?? (dueAt ? new Date(dueAt).toISOString() : null);
  if (d.gate === "quiet_hours") {
    const zone = d.detail.match(/quiet hours in ([^\s,;]+)/)?.[1] ?? "UTC";
    return until
      ? `held: quiet hours until ${zonedClockTime(new Date(until), zone)} ${zone}`
      : `held: quiet hours in ${zone}`;
  }
  if (d.gate === "frequency_cap")
    return until
      ? `held: frequency cap until ${new Date(until).toISOString().slice(0, 16).replace("T", " ")} UTC`
      : "held: frequency cap";
  return `held: ${d.detail}`;
}

function blockedText(d: RecordedDecision): string {
  if (d.gate === "consent") return `blocked: no consent (${d.detail})`;
  if (d.gate === "phone") return `blocked: ${d.detail}`;
  return `blocked: ${d.gate.replace("_", " ")}: ${d.detail}`;
}
