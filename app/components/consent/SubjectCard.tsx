import { BlockStack, Button, Card, InlineStack, Text } from "@shopify/polaris";
import { formatDateTime } from "../../admin/format";
import { StateBadge, type ConsentSubject } from "./consent-page";

/** The one shopper the ledger is narrowed to, with their current consent. */
export function SubjectCard({ subject, timeZone }: { subject: ConsentSubject; timeZone: string }) {
  return (
    <Card>
      <InlineStack align="space-between" blockAlign="center">
        <BlockStack gap="100">
          <Text as="h2" variant="headingMd">
            {subject.name} · {subject.phone ?? "no phone"}
          </Text>
          <InlineStack gap="200" blockAlign="center">
            <Text as="span">Current consent:</Text>
            <StateBadge state={subject.smsConsent} />
            <Text as="span" tone="subdued">
              since {formatDateTime(subject.smsConsentAt, timeZone)}
            </Text>
          </InlineStack>
          <Text as="p" tone="subdued">
            The latest fact wins, whatever order facts arrived in. Oldest first below.
          </Text>
        </BlockStack>
        <Button url="/app/consent">Whole ledger</Button>
      </InlineStack>
    </Card>
  );
}
