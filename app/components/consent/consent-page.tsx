import { Badge } from "@shopify/polaris";
import type { consentCounts, consentSubject, ledgerPage } from "../../admin/consent.server";

/** What the ledger page's loader reads. */
export type ConsentCounts = Awaited<ReturnType<typeof consentCounts>>;
export type ConsentSubject = NonNullable<Awaited<ReturnType<typeof consentSubject>>>;
export type LedgerPage = Awaited<ReturnType<typeof ledgerPage>>;

/** SUBSCRIBED → "Subscribed", SINGLE_OPT_IN → "Single opt in". */
export const label = (value: string) => value.charAt(0) + value.slice(1).toLowerCase().replace(/_/g, " ");

const STATE_TONE: Record<string, "success" | "critical" | "attention" | undefined> = {
  SUBSCRIBED: "success",
  UNSUBSCRIBED: "critical",
  PENDING: "attention",
};
export const StateBadge = ({ state }: { state: string }) => <Badge tone={STATE_TONE[state]}>{label(state)}</Badge>;
