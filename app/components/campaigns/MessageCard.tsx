import { BlockStack, Button, Card, Text } from "@shopify/polaris";

/** The campaign's text, and a link to every message it sent. */
export function MessageCard({ campaignId, body }: { campaignId: string; body: string }) {
  return (
    <Card>
      <BlockStack gap="200">
        <Text as="h2" variant="headingSm">
          Message
        </Text>
        <Text as="p">{body}</Text>
        <Button url={`/app/messages?source=campaign:${campaignId}`} variant="plain">
          See every text of this campaign
        </Button>
      </BlockStack>
    </Card>
  );
}
