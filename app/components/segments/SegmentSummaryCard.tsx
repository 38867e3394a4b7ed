import { BlockStack, InlineStack, Text } from "@shopify/polaris";
import { formatCount } from "../../admin/format";
import { SectionCard } from "../SectionCard";
import { BackfillProgress } from "./SegmentBadges";
import type { SegmentOverview } from "./segment-page";

/** Who is in the segment, in words, with its member and subscriber counts and backfill progress. */
export function SegmentSummaryCard({
  segment: s,
  subscribers,
  about,
}: {
  segment: SegmentOverview["segment"];
  subscribers: number;
  /** "about " when the counts come from a sample of a big segment's members. */
  about: string;
}) {
  return (
    <SectionCard title="Who is in it">
      <Text as="p">{`Customers who ${s.words}.`}</Text>
      <InlineStack gap="600">
        <Stat label="Members" value={formatCount(s.memberCount)} />
        <Stat label="SMS subscribers" value={`${about}${formatCount(subscribers)}`} />
      </InlineStack>
      {s.backfill ? <BackfillProgress {...s.backfill} /> : null}
      {s.kind !== "CUSTOM" ? (
        <Text as="p" variant="bodySm" tone="subdued">
          Built-in segments are kept by the app; their thresholds follow your settings.
        </Text>
      ) : null}
    </SectionCard>
  );
}

function Stat({ label, value }: { label: string; value: string }) {
  return (
    <BlockStack gap="050">
      <Text as="span" tone="subdued">
        {label}
      </Text>
      <Text as="span" variant="headingLg">
        {value}
      </Text>
    </BlockStack>
  );
}
