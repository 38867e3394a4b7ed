import { Button, Text } from "@shopify/polaris";
import { formatDateTime } from "../../admin/format";
import { SyncProgress } from "../SyncProgress";
import { Feedback, IntentForm, Section, type SectionProps } from "./settings-form";

/** The store-history import: its progress while it runs, when it last finished, and a button to run it again. */
export function HistorySection({
  sync,
  timeZone,
  outcome,
}: Pick<SectionProps, "outcome"> & {
  sync: (Parameters<typeof SyncProgress>[0]["report"] & { finishedAt: Date | string | null }) | null;
  timeZone: string;
}) {
  return (
    <Section
      id="history"
      title="Store history"
      description="Customers, SMS consent, orders of the last two years and products, imported from Shopify. Segments are computed once when it finishes; past events never start a flow."
    >
      <Feedback outcome={outcome} intent="sync" />
      {sync && (sync.status === "RUNNING" || sync.status === "SEGMENTS" || sync.status === "FAILED") ? (
        <SyncProgress report={sync} />
      ) : (
        <Text as="p" tone="subdued">
          {sync?.finishedAt ? `Last imported ${formatDateTime(sync.finishedAt, timeZone)}.` : "Not imported yet."}
        </Text>
      )}
      <IntentForm intent="sync">
        <Button submit>Import again</Button>
      </IntentForm>
    </Section>
  );
}
