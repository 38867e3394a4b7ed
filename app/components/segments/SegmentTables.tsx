import { DataTable, Text } from "@shopify/polaris";
import { formatCount, formatDateTime, formatPercent } from "../../admin/format";
import { SectionCard } from "../SectionCard";
import type { SegmentOverview } from "./segment-page";

const CAUSES: Record<string, string> = {
  webhook: "Store activity",
  time: "Time passed",
  definition: "Segment created or edited",
  consent: "Consent changed",
  click: "Clicked a link",
};

/** The latest entries and exits, each with why it happened. */
export function RecentChangesCard({ events, timeZone }: { events: SegmentOverview["events"]; timeZone: string }) {
  return (
    <TableCard
      title="Recent entries and exits"
      empty="Nobody has entered or left yet."
      headings={["Customer", "Change", "Why", "When"]}
      rows={events.map((e) => [
        e.customer,
        e.change === "ENTERED" ? "Entered" : "Left",
        CAUSES[e.cause] ?? e.cause,
        formatDateTime(e.at, timeZone),
      ])}
    />
  );
}

/** How many of this segment's members each other segment shares. */
export function OverlapCard({
  overlap,
  memberCount,
  approximate,
}: {
  overlap: SegmentOverview["overlap"];
  memberCount: number;
  approximate: boolean;
}) {
  const about = approximate ? "about " : "";
  return (
    <TableCard
      title={approximate ? "Overlap with other segments (from a sample of members)" : "Overlap with other segments"}
      empty="No member of this segment is in another segment."
      headings={["Segment", "Shared members", "Share of this segment"]}
      numeric={[false, true, true]}
      rows={overlap.map((o) => [
        o.name,
        `${about}${formatCount(o.members)}`,
        formatPercent(memberCount ? o.members / memberCount : null, 0),
      ])}
    />
  );
}

function TableCard({
  title,
  empty,
  headings,
  rows,
  numeric = [],
}: {
  title: string;
  empty: string;
  headings: string[];
  rows: string[][];
  numeric?: boolean[];
}) {
  return (
    <SectionCard title={title} gap="200">
      {rows.length === 0 ? (
        <Text as="p" tone="subdued">
          {empty}
        </Text>
      ) : (
        <DataTable
          columnContentTypes={headings.map((_, i) => (numeric[i] ? "numeric" : "text"))}
          headings={headings}
          rows={rows}
        />
      )}
    </SectionCard>
  );
}
