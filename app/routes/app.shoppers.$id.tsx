import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { Badge, BlockStack, Box, Card, InlineStack, Page, Text } from "@shopify/polaris";
import { requireShop } from "../admin/auth.server";
import { formatDateTime } from "../admin/format";
import { shopperTimeline, type TimelineKind } from "../admin/shoppers.server";
import db from "../db.server";
import { StatGrid } from "../components/Stat";
import { StatusBadge } from "../components/StatusBadge";
import { SectionCard } from "../components/SectionCard";

export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { shop } = await requireShop(request);
  const timeline = await shopperTimeline(db, shop.id, params.id!);
  return { ...timeline, timeZone: shop.ianaTimezone };
};

const KIND_LABEL: Record<TimelineKind, string> = {
  message_out: "Text sent",
  message_in: "Reply",
  delivery: "Delivery",
  click: "Click",
  consent: "Consent",
  segment: "Segment",
  order: "Order",
};

export default function ShopperTimeline() {
  const { shopper, entries, timeZone } = useLoaderData<typeof loader>();
  return (
    <Page
      title={shopper.name}
      backAction={{ content: "Messages", url: "/app/messages" }}
      titleMetadata={<StatusBadge status={shopper.consent} />}
    >
      <BlockStack gap="400">
        <Card>
          <StatGrid
            columns={4}
            items={[
              ["Phone", shopper.phone ?? "no valid number"],
              [
                "SMS consent",
                `${shopper.consent.toLowerCase().replace("_", " ")}${shopper.consentAt ? ` since ${formatDateTime(shopper.consentAt, timeZone)}` : ""}`,
              ],
              ["Time zone", shopper.timeZone ?? `shop's (${timeZone})`],
              ["Orders", String(shopper.ordersCount)],
            ]}
          />
        </Card>
        <SectionCard title="Timeline (newest first)">
          {entries.length === 0 ? (
            <Text as="p" tone="subdued">
              Nothing has happened for this shopper yet.
            </Text>
          ) : (
            <ol style={{ listStyle: "none", margin: 0, padding: 0 }}>
              {entries.map((e, i) => (
                <li key={i}>
                  <Box paddingBlock="200" borderBlockEndWidth="025" borderColor="border-secondary">
                    <InlineStack gap="300" blockAlign="start" wrap={false}>
                      <Box minWidth="150px">
                        <Text as="span" tone="subdued" variant="bodySm">
                          {formatDateTime(e.at, timeZone)}
                        </Text>
                      </Box>
                      <Box minWidth="90px">
                        <Badge>{KIND_LABEL[e.kind]}</Badge>
                      </Box>
                      <BlockStack>
                        <Text as="span">{e.title}</Text>
                        {e.detail ? (
                          <Text as="span" tone="subdued" variant="bodySm">
                            {e.detail}
                          </Text>
                        ) : null}
                      </BlockStack>
                    </InlineStack>
                  </Box>
                </li>
              ))}
            </ol>
          )}
        </SectionCard>
      </BlockStack>
    </Page>
  );
}
