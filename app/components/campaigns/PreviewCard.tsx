import { BlockStack, Box, Card, Text } from "@shopify/polaris";

/** The first text as a shopper would get it, with the sender name and the opt-out line. */
export function PreviewCard({ body, preview }: { body: string; preview: string }) {
  return (
    <Card>
      <BlockStack gap="200">
        <Text as="h2" variant="headingSm">
          Preview
        </Text>
        <Box background="bg-surface-secondary" padding="300" borderRadius="300">
          <Text as="p">
            {body.trim()
              ? preview
              : "Write a message to see it as a shopper would (first text, with the opt-out line)."}
          </Text>
        </Box>
      </BlockStack>
    </Card>
  );
}
