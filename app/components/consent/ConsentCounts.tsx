import { BlockStack, Card, InlineGrid, InlineStack, Text } from "@shopify/polaris";
import { formatCount } from "../../admin/format";
import { label, type ConsentCounts } from "./consent-page";

/** Subscribed and unsubscribed shoppers now, and opt-ins / opt-outs per source. */
export function ConsentCountCards({ counts }: { counts: ConsentCounts }) {
  return (
    <InlineGrid columns={{ xs: 1, md: 3 }} gap="400">
      <CountCard label="Subscribed now" count={counts.subscribed} />
      <CountCard label="Unsubscribed" count={counts.unsubscribed} />
      <Card>
        <BlockStack gap="100">
          <Text as="p" tone="subdued">
            Opt-ins / opt-outs by source
          </Text>
          {counts.sources.length ? (
            counts.sources.map((s) => (
              <InlineStack key={s.source} align="space-between">
                <Text as="span">{label(s.source)}</Text>
                <Text as="span">
                  {formatCount(s.optIns)} / {formatCount(s.optOuts)}
                </Text>
              </InlineStack>
            ))
          ) : (
            <Text as="p">None recorded yet</Text>
          )}
        </BlockStack>
      </Card>
    </InlineGrid>
  );
}

function CountCard({ label: title, count }: { label: string; count: number }) {
  return (
    <Card>
      <Text as="p" tone="subdued">
        {title}
      </Text>
      <Text as="p" variant="headingLg">
        {formatCount(count)}
      </Text>
    </Card>
  );
}
