import { DataTable, EmptyState } from "@shopify/polaris";
import type { BusySegment } from "../../admin/dashboard.server";
import { formatCount } from "../../admin/format";
import { SectionCard } from "../SectionCard";

/** The largest segments and those shoppers entered most in the period. */
export function BusiestSegmentsCard({ segments, days }: { segments: BusySegment[]; days: number }) {
  return (
    <SectionCard title="Busiest segments" gap="200">
      {segments.length ? (
        <DataTable
          columnContentTypes={["text", "numeric", "numeric"]}
          headings={["Segment", "Members", `Entered in ${days} days`]}
          rows={segments.map((s) => [s.name, formatCount(s.memberCount), formatCount(s.entered)])}
        />
      ) : (
        <EmptyState heading="No segments yet" image="">
          <p>Segments fill as Shopify sends orders, checkouts and customers.</p>
        </EmptyState>
      )}
    </SectionCard>
  );
}
