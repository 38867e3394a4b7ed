import { BlockStack, InlineGrid, Text } from "@shopify/polaris";

/** A small label over a value: the numbers and facts at the top of a page. */
export function Stat({ label, value }: { label: string; value: string }) {
  return (
    <BlockStack>
      <Text as="span" tone="subdued" variant="bodySm">
        {label}
      </Text>
      <Text as="span" variant="headingMd">
        {value}
      </Text>
    </BlockStack>
  );
}

/** Labelled values in a grid of `columns` (on medium screens and up; two on phones). */
export function StatGrid({ items, columns }: { items: [label: string, value: string][]; columns: number }) {
  return (
    <InlineGrid columns={{ xs: 2, md: columns }} gap="300">
      {items.map(([label, value]) => (
        <Stat key={label} label={label} value={value} />
      ))}
    </InlineGrid>
  );
}
