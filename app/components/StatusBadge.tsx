import { Badge } from "@shopify/polaris";

type Tone = "success" | "info" | "attention" | "warning" | "critical" | undefined;

/** Campaign and message states, one colour each, everywhere they appear. */
const TONES: Record<string, Tone> = {
  DRAFT: undefined,
  SCHEDULED: "info",
  SENDING: "attention",
  SENT: "success",
  DELIVERED: "success",
  RECEIVED: "info",
  HELD: "warning",
  FAILED: "critical",
  SUPPRESSED: "critical",
  CANCELLED: undefined,
  SUBSCRIBED: "success",
  UNSUBSCRIBED: "critical",
  PENDING: "attention",
  NOT_SUBSCRIBED: undefined,
  REDACTED: undefined,
};

export function StatusBadge({ status }: { status: string }) {
  const label = status.charAt(0) + status.slice(1).toLowerCase().replace(/_/g, " ");
  return <Badge tone={TONES[status]}>{label}</Badge>;
}
