import { BlockStack, Card, InlineStack, Spinner, Text } from "@shopify/polaris";
import type { ComposeEstimate } from "../../admin/campaigns.server";
import { formatCount, formatDateTime, formatMoney } from "../../admin/format";

/** Who the campaign reaches at the chosen time, what is held back, and what it costs. */
export function EstimateCard({
  estimate,
  loading,
  currency,
  timeZone,
}: {
  estimate: ComposeEstimate | null;
  loading: boolean;
  currency: string;
  timeZone: string;
}) {
  return (
    <Card>
      <BlockStack gap="200">
        <InlineStack align="space-between">
          <Text as="h2" variant="headingSm">
            Estimate
          </Text>
          {loading ? <Spinner size="small" accessibilityLabel="Updating the estimate" /> : null}
        </InlineStack>
        {estimate ? (
          <BlockStack gap="100">
            <Text as="p" variant="headingLg">
              {`${formatCount(estimate.recipients)} recipients`}
            </Text>
            <Text as="p" tone="subdued">
              {`${formatCount(estimate.members)} in the segment; ${formatCount(estimate.withoutConsent)} left out (no SMS consent or no valid number).`}
            </Text>
            <Text as="p">{`At ${formatDateTime(estimate.at, timeZone)}: ${formatCount(estimate.held.quietHours)} held for quiet hours, ${formatCount(estimate.held.frequencyCap)} held by the frequency cap (they receive it later).`}</Text>
            <Text as="p">{`${estimate.segmentsPerMessage} SMS segment${estimate.segmentsPerMessage === 1 ? "" : "s"} per text (${estimate.encoding}) · estimated cost ${formatMoney(estimate.estimatedCost, estimate.currency || currency)}`}</Text>
          </BlockStack>
        ) : (
          <Text as="p" tone="subdued">
            Choose a segment and write the message to see who it reaches and what it costs.
          </Text>
        )}
      </BlockStack>
    </Card>
  );
}
