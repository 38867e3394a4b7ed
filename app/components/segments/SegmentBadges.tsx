import { Badge, BlockStack, ProgressBar, Text } from "@shopify/polaris";
import { formatCount } from "../../admin/format";

export function KindBadge({ kind }: { kind: "BUILT_IN" | "CUSTOM" }) {
  return kind === "BUILT_IN" ? <Badge tone="info">Built-in</Badge> : <Badge>Custom</Badge>;
}

export function SmallSegmentBadge({ minimum }: { minimum: number }) {
  return <Badge tone="warning">{`Under ${minimum} subscribers`}</Badge>;
}

/** A backfill in progress: customers evaluated so far out of the shop's customers. */
export function BackfillProgress({ evaluated, total }: { evaluated: number; total: number }) {
  const percent = total ? Math.min(100, Math.round((evaluated / total) * 100)) : 0;
  return (
    <BlockStack gap="100">
      <ProgressBar progress={percent} size="small" tone="highlight" />
      <Text as="span" variant="bodySm" tone="subdued">
        {`Evaluating existing customers: ${formatCount(evaluated)} of ${formatCount(total)}`}
      </Text>
    </BlockStack>
  );
}
