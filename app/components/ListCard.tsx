import type { ReactNode } from "react";
import { BlockStack, Card, EmptyState, IndexTable, Text, type IndexTableProps } from "@shopify/polaris";

/** Shopify's stock empty-state picture, shared by the admin's lists. */
export const EMPTY_STATE_IMAGE = "https://cdn.shopify.com/s/files/1/0262/4071/2726/files/emptystate-files.png";

/**
 * The admin's list: a flush card holding a read-only IndexTable (rows are links and buttons,
 * never selections), with an optional heading, or `empty` in its place when there are no rows.
 */
export function ListCard({
  title,
  resourceName,
  headings,
  itemCount,
  empty,
  children,
}: {
  title?: string;
  resourceName: { singular: string; plural: string };
  /** Column titles; a numeric column as `{ title, alignment: "end" }`. */
  headings: (string | { title: string; alignment: "end" })[];
  itemCount: number;
  empty?: ReactNode;
  children: ReactNode;
}) {
  const table =
    itemCount === 0 && empty ? (
      empty
    ) : (
      <IndexTable
        resourceName={resourceName}
        itemCount={itemCount}
        selectable={false}
        headings={headings.map((h) => (typeof h === "string" ? { title: h } : h)) as IndexTableProps["headings"]}
      >
        {children}
      </IndexTable>
    );
  return (
    <Card padding="0">
      {title ? (
        <BlockStack>
          <div style={{ padding: "var(--p-space-400)" }}>
            <Text as="h2" variant="headingMd">
              {title}
            </Text>
          </div>
          {table}
        </BlockStack>
      ) : (
        table
      )}
    </Card>
  );
}

/** An empty state inside a list card, with the stock picture. */
export function EmptyList({
  heading,
  action,
  children,
}: {
  heading: string;
  action?: { content: string; url: string };
  children: ReactNode;
}) {
  return (
    <EmptyState heading={heading} image={EMPTY_STATE_IMAGE} action={action}>
      {children}
    </EmptyState>
  );
}
