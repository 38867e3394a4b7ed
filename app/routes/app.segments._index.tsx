import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData, useNavigate } from "@remix-run/react";
import { BlockStack, Card, EmptyState, IndexTable, InlineStack, Layout, Page, Text } from "@shopify/polaris";
import { requireShop } from "../admin/auth.server";
import { listSegments, TREND_DAYS } from "../admin/segments/list.server";
import { SMALL_SEGMENT_SUBSCRIBERS } from "../admin/segments/small.server";
import { formatCount } from "../admin/format";
import db from "../db.server";
import { BackfillProgress, KindBadge, SmallSegmentBadge } from "../components/segments/SegmentBadges";
import { usePollWhile } from "../components/usePollWhile";
import { NumericCell } from "../components/NumericCell";
import { ListCard } from "../components/ListCard";
import { clock } from "../runtime/services.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await requireShop(request);
  return {
    segments: await listSegments(db, shop.id, clock.now()),
    smallBelow: SMALL_SEGMENT_SUBSCRIBERS,
    trendDays: TREND_DAYS,
  };
};

const signed = (n: number) => (n > 0 ? `+${formatCount(n)}` : n < 0 ? `−${formatCount(-n)}` : "0");

export default function SegmentsList() {
  const { segments, smallBelow, trendDays } = useLoaderData<typeof loader>();
  const navigate = useNavigate();
  usePollWhile(segments.some((s) => s.backfill));
  const newSegment = { content: "Create segment", url: "/app/segments/new" };

  if (segments.length === 0) {
    return (
      <Page title="Segments">
        <Card>
          <EmptyState heading="No segments yet" action={newSegment} image="">
            <p>
              The built-in segments appear once the app has seen your store. Create your own from conditions on orders,
              spend, location, clicks and more.
            </p>
          </EmptyState>
        </Card>
      </Page>
    );
  }

  return (
    <Page title="Segments" primaryAction={newSegment}>
      <Layout>
        <Layout.Section>
          <ListCard
            resourceName={{ singular: "segment", plural: "segments" }}
            itemCount={segments.length}
            headings={[
              "Segment",
              "Kind",
              { title: "Members", alignment: "end" },
              { title: `Last ${trendDays} days`, alignment: "end" },
              "Status",
            ]}
          >
            {segments.map((s, i) => (
              <IndexTable.Row id={s.id} key={s.id} position={i} onClick={() => navigate(`/app/segments/${s.id}`)}>
                <IndexTable.Cell>
                  <BlockStack gap="050">
                    <Text as="span" fontWeight="semibold">
                      {s.name}
                    </Text>
                    {s.description ? (
                      <Text as="span" variant="bodySm" tone="subdued">
                        {s.description}
                      </Text>
                    ) : null}
                  </BlockStack>
                </IndexTable.Cell>
                <IndexTable.Cell>
                  <KindBadge kind={s.kind} />
                </IndexTable.Cell>
                <NumericCell value={formatCount(s.memberCount)} />
                <NumericCell
                  value={`${signed(s.entered - s.left)} (${formatCount(s.entered)} in, ${formatCount(s.left)} out)`}
                  tone={s.entered - s.left < 0 ? "critical" : s.entered - s.left > 0 ? "success" : undefined}
                />
                <IndexTable.Cell>
                  <InlineStack gap="200">
                    {s.backfill ? (
                      <BackfillProgress {...s.backfill} />
                    ) : s.small ? (
                      <SmallSegmentBadge minimum={smallBelow} />
                    ) : null}
                  </InlineStack>
                </IndexTable.Cell>
              </IndexTable.Row>
            ))}
          </ListCard>
        </Layout.Section>
        <Layout.Section>
          <Text as="p" variant="bodySm" tone="subdued">
            {`Segments with fewer than ${smallBelow} SMS subscribers are flagged: a text to them reaches too few shoppers for its click and order rates to mean much.`}
          </Text>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
