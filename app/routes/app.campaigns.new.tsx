import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { Banner, BlockStack, Layout, Page } from "@shopify/polaris";
import { invalid } from "../admin/form-result";
import { notFound, requireShop } from "../admin/auth.server";
import { composeEstimate, composeOptions, parseCompose, type FieldErrors } from "../admin/campaigns.server";
import { utcToZonedLocal, zonedLocalToUtc } from "../admin/zoned-time";
import { CampaignError, createCampaign, launchCampaign } from "../campaigns/campaigns.server";
import { ComposeCard } from "../components/campaigns/ComposeCard";
import { useComposeDraft, useEstimate } from "../components/campaigns/compose-draft";
import { EstimateCard } from "../components/campaigns/EstimateCard";
import { PreviewCard } from "../components/campaigns/PreviewCard";
import db from "../db.server";
import { services, clock } from "../runtime/services.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await requireShop(request);
  const options = await composeOptions(db, shop);
  const tomorrowAtTen = `${utcToZonedLocal(new Date(Date.now() + 86_400_000), shop.ianaTimezone).slice(0, 10)}T10:00`;
  return {
    ...options,
    defaultScheduledAt: tomorrowAtTen,
    segmentId: new URL(request.url).searchParams.get("segment") ?? "",
  };
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop } = await requireShop(request);
  const form = await request.formData();
  const now = clock.now();
  if (form.get("intent") === "estimate") {
    const segmentId = String(form.get("segmentId") ?? "");
    const body = String(form.get("body") ?? "");
    if (!segmentId || !body.trim()) return { estimate: null };
    const scheduled =
      form.get("when") === "schedule"
        ? zonedLocalToUtc(String(form.get("scheduledAt") ?? ""), shop.ianaTimezone)
        : null;
    const estimate = await composeEstimate({
      db,
      shop,
      segmentId,
      body,
      at: scheduled && scheduled > now ? scheduled : now,
    });
    if (!estimate) notFound("Segment");
    return { estimate };
  }
  const parsed = parseCompose(form, shop.ianaTimezone, now);
  if ("errors" in parsed) return invalid(parsed.errors);
  let campaignId: string;
  try {
    campaignId = (await createCampaign(db, shop.id, parsed.input)).id;
  } catch (error) {
    if (error instanceof CampaignError) return invalid({ segmentId: error.message });
    throw error;
  }
  await launchCampaign(services(), shop.id, campaignId);
  return redirect(`/app/campaigns/${campaignId}`);
};

export default function NewCampaign() {
  const options = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const errors: FieldErrors = (actionData && "errors" in actionData ? actionData.errors : undefined) ?? {};
  const navigation = useNavigation();
  const draft = useComposeDraft(options);
  const estimate = useEstimate(draft);

  return (
    <Page title="New campaign" backAction={{ content: "Campaigns", url: "/app/campaigns" }}>
      <Form method="post">
        <input type="hidden" name="intent" value="create" />
        <Layout>
          <Layout.Section>
            <BlockStack gap="400">
              {errors.form ? <Banner tone="critical">{errors.form}</Banner> : null}
              <ComposeCard
                draft={draft}
                segments={options.segments}
                timeZone={options.timeZone}
                errors={errors}
                submitting={navigation.state === "submitting"}
              />
            </BlockStack>
          </Layout.Section>
          <Layout.Section variant="oneThird">
            <BlockStack gap="400">
              <EstimateCard
                estimate={estimate.value}
                loading={estimate.loading}
                currency={options.currency}
                timeZone={options.timeZone}
              />
              <PreviewCard body={draft.body} preview={draft.preview} />
            </BlockStack>
          </Layout.Section>
        </Layout>
      </Form>
    </Page>
  );
}
