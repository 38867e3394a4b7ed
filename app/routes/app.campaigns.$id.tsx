import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData, useNavigation } from "@remix-run/react";
import { BlockStack, Layout, Page } from "@shopify/polaris";
import { badRequest } from "../admin/form-result";
import { notFound, requireShop } from "../admin/auth.server";
import { campaignDetail } from "../admin/campaigns.server";
import { cancelCampaign } from "../campaigns/campaigns.server";
import db from "../db.server";
import { ActivityChart } from "../components/campaigns/ActivityChart";
import { MessageCard } from "../components/campaigns/MessageCard";
import { ProgressCard } from "../components/campaigns/ProgressCard";
import { ResultsCard } from "../components/campaigns/ResultsCard";
import { StatusBadge } from "../components/StatusBadge";
import { usePollWhile } from "../components/usePollWhile";

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
  await cancelCampaign({ db, shopId: shop.id, campaignId: campaign.id });
  return { cancelled: true };
};

export default function CampaignPage() {
  const { campaign, progress, results, activity, timeZone, currency } = useLoaderData<typeof loader>();
  const navigation = useNavigation();
  // Texts still queued or held: a sent campaign is still going out.
  const pending = progress.queued + progress.held > 0;
  // Refreshes the page every few seconds while the campaign is still going out.
  usePollWhile(["SCHEDULED", "SENDING"].includes(campaign.status) || (campaign.status === "SENT" && pending));
  const cancellable =
    ["DRAFT", "SCHEDULED", "SENDING"].includes(campaign.status) || (campaign.status === "SENT" && pending);
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
            <ProgressCard
              campaign={campaign}
              progress={progress}
              timeZone={timeZone}
              cancellable={cancellable}
              cancelling={navigation.state === "submitting"}
            />
            <ResultsCard results={results} currency={currency} />
            {activity ? <ActivityChart activity={activity} /> : null}
          </BlockStack>
        </Layout.Section>
        <Layout.Section variant="oneThird">
          <MessageCard campaignId={campaign.id} body={campaign.body} />
        </Layout.Section>
      </Layout>
    </Page>
  );
}
