import { useEffect, useMemo, useState } from "react";
import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useFetcher, useLoaderData, useNavigation } from "@remix-run/react";
import {
  Banner,
  BlockStack,
  Box,
  Button,
  Card,
  ChoiceList,
  FormLayout,
  InlineStack,
  Layout,
  Page,
  Select,
  Spinner,
  Text,
  TextField,
} from "@shopify/polaris";
import { invalid } from "../admin/form-result";
import { notFound, requireShop } from "../admin/auth.server";
import {
  composeEstimate,
  composeOptions,
  parseCompose,
  type ComposeEstimate,
  type FieldErrors,
} from "../admin/campaigns.server";
import { formatCount, formatDateTime, formatMoney } from "../admin/format";
import { utcToZonedLocal, zonedLocalToUtc } from "../admin/zoned-time";
import { CampaignError, createCampaign, launchCampaign } from "../campaigns/campaigns.server";
import db from "../db.server";
import { composeBody } from "../messaging/compliance";
import { services, clock } from "../runtime/services.server";
import { encodeSms } from "../messaging/sms-encoding";
import { PREVIEW_VALUES, renderTemplate, TEMPLATE_VARIABLES } from "../messaging/template";

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
    const estimate = await composeEstimate(db, shop, segmentId, body, scheduled && scheduled > now ? scheduled : now);
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
  const [name, setName] = useState("");
  const [segmentId, setSegmentId] = useState(options.segmentId);
  const [body, setBody] = useState("");
  const [when, setWhen] = useState<"now" | "schedule">("now");
  const [scheduledAt, setScheduledAt] = useState(options.defaultScheduledAt);
  const estimate = useEstimate(segmentId, body, when, scheduledAt);
  const preview = useMemo(() => {
    const rendered = renderTemplate(body, { ...PREVIEW_VALUES, shop_name: options.senderName });
    return composeBody({
      body: rendered,
      senderName: options.senderName,
      purpose: "marketing",
      firstMessage: true,
      numberCountry: null,
    });
  }, [body, options.senderName]);
  const encoding = encodeSms(body.trim() ? preview : "");

  return (
    <Page title="New campaign" backAction={{ content: "Campaigns", url: "/app/campaigns" }}>
      <Form method="post">
        <input type="hidden" name="intent" value="create" />
        <Layout>
          <Layout.Section>
            <BlockStack gap="400">
              {errors.form ? <Banner tone="critical">{errors.form}</Banner> : null}
              <Card>
                <FormLayout>
                  <TextField
                    label="Campaign name"
                    name="name"
                    value={name}
                    onChange={setName}
                    autoComplete="off"
                    error={errors.name}
                    helpText="Only you see this."
                  />
                  <Select
                    label="Segment"
                    name="segmentId"
                    options={[
                      { label: "Choose a segment", value: "" },
                      ...options.segments.map((s) => ({
                        label: `${s.name} (${formatCount(s.memberCount)} members)`,
                        value: s.id,
                      })),
                    ]}
                    value={segmentId}
                    onChange={setSegmentId}
                    error={errors.segmentId}
                  />
                  <BlockStack gap="200">
                    <TextField
                      label="Message"
                      name="body"
                      value={body}
                      onChange={setBody}
                      multiline={4}
                      autoComplete="off"
                      error={errors.body}
                      helpText={`${encoding.characters} characters · ${encoding.encoding} · ${encoding.segments} SMS segment${encoding.segments === 1 ? "" : "s"} (${encoding.remaining} left in the last)${encoding.nonGsm.length ? ` · not GSM-7: ${encoding.nonGsm.join(" ")}` : ""}`}
                    />
                    <InlineStack gap="200" wrap>
                      <Text as="span" tone="subdued">
                        Insert:
                      </Text>
                      {TEMPLATE_VARIABLES.filter(
                        (v) => !["checkout_url", "product_title", "product_url", "order_name"].includes(v),
                      ).map((v) => (
                        <Button
                          key={v}
                          size="slim"
                          onClick={() => setBody((b) => `${b}${b && !b.endsWith(" ") ? " " : ""}{{ ${v} }}`)}
                        >
                          {v}
                        </Button>
                      ))}
                    </InlineStack>
                  </BlockStack>
                  <ChoiceList
                    title="When"
                    name="when"
                    choices={[
                      { label: "Send now", value: "now" },
                      { label: `Schedule (${options.timeZone} time)`, value: "schedule" },
                    ]}
                    selected={[when]}
                    onChange={(v) => setWhen(v[0] as "now" | "schedule")}
                  />
                  {when === "schedule" ? (
                    <TextField
                      label={`Send at (${options.timeZone})`}
                      type="datetime-local"
                      name="scheduledAt"
                      value={scheduledAt}
                      onChange={setScheduledAt}
                      autoComplete="off"
                      error={errors.scheduledAt}
                    />
                  ) : null}
                  <Button submit variant="primary" loading={navigation.state === "submitting"}>
                    {when === "schedule" ? "Schedule campaign" : "Send now"}
                  </Button>
                </FormLayout>
              </Card>
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
            </BlockStack>
          </Layout.Section>
        </Layout>
      </Form>
    </Page>
  );
}

/** Asks the server for a fresh estimate whenever the segment, text or time changes (debounced). */
function useEstimate(segmentId: string, body: string, when: string, scheduledAt: string) {
  const fetcher = useFetcher<typeof action>();
  const { submit } = fetcher;
  useEffect(() => {
    if (!segmentId || !body.trim()) return;
    const timer = setTimeout(
      () => submit({ intent: "estimate", segmentId, body, when, scheduledAt }, { method: "post" }),
      400,
    );
    return () => clearTimeout(timer);
  }, [segmentId, body, when, scheduledAt, submit]);
  const value = fetcher.data && "estimate" in fetcher.data && segmentId && body.trim() ? fetcher.data.estimate : null;
  return { value, loading: fetcher.state !== "idle" };
}

function EstimateCard({
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
