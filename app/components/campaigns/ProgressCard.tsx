import { Form } from "@remix-run/react";
import { BlockStack, Button, Card, InlineStack, ProgressBar, Text } from "@shopify/polaris";
import type { CampaignDetail } from "./campaign-page";
import { formatCount, formatDateTime } from "../../admin/format";
import { StatGrid } from "../Stat";

/** How far the send has got, message states as counts, and the cancel button while it can still stop. */
export function ProgressCard({
  campaign,
  progress,
  timeZone,
  cancellable,
  cancelling,
}: Pick<CampaignDetail, "campaign" | "progress"> & { timeZone: string; cancellable: boolean; cancelling: boolean }) {
  const expected = Math.max(progress.total, campaign.recipientsQueued, campaign.recipientsEstimated ?? 0);
  const stats: [string, string][] = [
    ["Queued", formatCount(progress.queued)],
    ["Held", formatCount(progress.held)],
    ["Sent", formatCount(progress.sent)],
    ["Delivered", formatCount(progress.delivered)],
    ["Failed", formatCount(progress.failed)],
    ["Blocked", formatCount(progress.blocked)],
    ["Cancelled", formatCount(progress.cancelled)],
  ];
  return (
    <Card>
      <BlockStack gap="300">
        <InlineStack align="space-between" blockAlign="center">
          <Text as="h2" variant="headingMd">
            Progress
          </Text>
          {cancellable ? (
            <Form method="post">
              <input type="hidden" name="intent" value="cancel" />
              <Button submit tone="critical" loading={cancelling}>
                Cancel campaign
              </Button>
            </Form>
          ) : null}
        </InlineStack>
        <Text as="p" tone="subdued">
          {campaign.status === "SCHEDULED"
            ? `Scheduled for ${formatDateTime(campaign.scheduledAt, timeZone, true)}.`
            : `${formatCount(progress.done)} of ${formatCount(expected)} handled${campaign.startedAt ? ` · started ${formatDateTime(campaign.startedAt, timeZone)}` : ""}${campaign.finishedAt ? ` · finished ${formatDateTime(campaign.finishedAt, timeZone)}` : ""}.`}
        </Text>
        <ProgressBar
          progress={expected ? Math.round((progress.done / expected) * 100) : 0}
          tone={campaign.status === "CANCELLED" ? "critical" : "primary"}
        />
        <StatGrid items={stats} columns={7} />
      </BlockStack>
    </Card>
  );
}
