import { IndexTable, Text, type TextProps } from "@shopify/polaris";

/** A table cell holding a number: right-aligned, tabular figures, optionally coloured. */
export function NumericCell({ value, tone }: { value: string; tone?: TextProps["tone"] }) {
  return (
    <IndexTable.Cell>
      <Text as="span" alignment="end" numeric tone={tone}>
        {value}
      </Text>
    </IndexTable.Cell>
  );
}
