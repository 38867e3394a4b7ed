import { useEffect, useState } from "react";
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { Form, useLoaderData, useNavigation, useRevalidator } from "@remix-run/react";
import { BarChart } from "@shopify/polaris-viz";
import { BlockStack, Button, Card, InlineStack, Layout, Page, ProgressBar, Text } from "@shopify/polaris";
import { badRequest } from "../admin/form-result";
import { notFound, requireShop } from "../admin/auth.server";
import { campaignDetail } from "../admin/campaigns.server";
import { formatCount, formatDateTime, formatMoney, formatPercent } from "../admin/format";
import { cancelCampaign } from "../campaigns/campaigns.server";
import db from "../db.server";
import { StatGrid } from "../components/Stat";
import { StatusBadge } from "../components/StatusBadge";
import { SectionCard } from "../components/SectionCard";

const POLL_MS = 3000;

export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { shop } = await requireShop(request);
  const detail = await campaignDetail(db, shop.id, params.id!);
  return { ...detail, timeZone: shop.ianaTimezone, currency: shop.currency };
};

export const action = async ({ request, params }: ActionFunctionArgs) => {
  const { shop } = await requireShop(request);
  const campaign = await db.campaign.findFirst({ where: { id: params.id!, shopId: shop.id }, select: { id: true } });
  if (!campaign) notFound("Campaign");
  const form = await request.formData();
  if (form.get("intent") !== "cancel") badRequest("Unknown action");
  await cancelCampaign(db, shop.id, campaign.id);
  return { cancelled: true };
};

export default function CampaignPage() {
  const { campaign, progress, results, activity, timeZone, currency } = useLoaderData<typeof loader>();
  const navigation = useNavigation();
  const running =
    ["SCHEDULED", "SENDING"].includes(campaign.status) ||
    (campaign.status === "SENT" && progress.queued + progress.held > 0);
  usePolling(running);
  const cancellable =
    ["DRAFT", "SCHEDULED", "SENDING"].includes(campaign.status) ||
    (campaign.status === "SENT" && progress.queued + progress.held > 0);
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
  const outcome: [string, string][] = [
    ["Delivery rate", formatPercent(results.sent ? results.deliveryRate : null)],
    ["Clicks", `${formatCount(results.clicks)} (${formatPercent(results.sent ? results.clickThroughRate : null)} CTR)`],
    ["Opt-outs", `${formatCount(results.optOuts)} (${formatPercent(results.sent ? results.optOutRate : null)})`],
    ["Orders (click / send)", `${formatCount(results.conversions.click)} / ${formatCount(results.conversions.send)}`],
    [
      "Revenue (click / send)",
      `${formatMoney(results.revenue.click, currency)} / ${formatMoney(results.revenue.send, currency)}`,
    ],
    ["Cost", formatMoney(results.cost, "USD")],
  ];
  return (
    <Page
      title={campaign.name}
      titleMetadata={<StatusBadge status={campaign.status} />}
      backAction={{ content: "Campaigns", url: "/app/campaigns" }}
      subtitle={campaign.segment ? `To ${campaign.segment.name}` : "Its segment was deleted"}
    >
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            <Card>
              <BlockStack gap="300">
                <InlineStack align="space-between" blockAlign="center">
                  <Text as="h2" variant="headingMd">
                    Progress
                  </Text>
                  {cancellable ? (
                    <Form method="post">
                      <input type="hidden" name="intent" value="cancel" />
                      <Button submit tone="critical" loading={navigation.state === "submitting"}>
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
            <SectionCard title="Results">
              <StatGrid items={outcome} columns={3} />
            </SectionCard>
            {activity ? <ActivityChart activity={activity} /> : null}
          </BlockStack>
        </Layout.Section>
        <Layout.Section variant="oneThird">
          <Card>
            <BlockStack gap="200">
              <Text as="h2" variant="headingSm">
                Message
              </Text>
              <Text as="p">{campaign.body}</Text>
              <Button url={`/app/messages?source=campaign:${campaign.id}`} variant="plain">
                See every text of this campaign
              </Button>
            </BlockStack>
          </Card>
        </Layout.Section>
      </Layout>
    </Page>
  );
}

/** Refreshes the page's data every few seconds while the campaign is still going out. */
function usePolling(active: boolean) {
  const { revalidate, state } = useRevalidator();
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => state === "idle" && revalidate(), POLL_MS);
    return () => clearInterval(timer);
  }, [active, revalidate, state]);
}

/** Charts draw in the browser only (they measure the page). */
function ActivityChart({
  activity,
}: {
  activity: NonNullable<ReturnType<typeof useLoaderData<typeof loader>>["activity"]>;
}) {
  const [mounted, setMounted] = useState(false);
  useEffect(() => setMounted(true), []);
  const label = (key: string) => (activity.bucket === "hour" ? key.slice(5, 16).replace("T", " ") : key.slice(0, 10));
  return (
    <SectionCard title={`Sends and clicks per ${activity.bucket} (UTC)`}>
      <div style={{ height: 240 }}>
        {mounted ? (
          <BarChart
            data={[
              { name: "Sends", data: activity.sends.map((p) => ({ key: label(p.key), value: p.value })) },
              { name: "Clicks", data: activity.clicks.map((p) => ({ key: label(p.key), value: p.value })) },
            ]}
          />
        ) : null}
      </div>
    </SectionCard>
  );
}
