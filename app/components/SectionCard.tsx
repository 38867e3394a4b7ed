import type { ReactNode } from "react";
import { BlockStack, Card, Text } from "@shopify/polaris";

type Gap = "100" | "200" | "300" | "400" | "500";

/** A card with a section heading: the admin's unit of page layout. */
export function SectionCard({ title, gap = "300", children }: { title: ReactNode; gap?: Gap; children: ReactNode }) {
  return (
    <Card>
      <BlockStack gap={gap}>
        <Text as="h2" variant="headingMd">
          {title}
        </Text>
        {children}
      </BlockStack>
    </Card>
  );
}
