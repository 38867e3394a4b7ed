import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { IndexTable, Page, Text } from "@shopify/polaris";
import { requireShop } from "../admin/auth.server";
import { campaignList } from "../admin/campaigns.server";
import { formatCount, formatDateTime, formatMoney } from "../admin/format";
import db from "../db.server";
import { StatusBadge } from "../components/StatusBadge";
import { NumericCell } from "../components/NumericCell";
import { EmptyList, ListCard } from "../components/ListCard";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await requireShop(request);
  const list = await campaignList(db, shop.id, new URL(request.url));
  return { ...list, timeZone: shop.ianaTimezone, currency: shop.currency };
};

export default function Campaigns() {
  const { campaigns, nextCursor, timeZone, currency } = useLoaderData<typeof loader>();
  const when = (c: (typeof campaigns)[number]) =>
    c.finishedAt
      ? `Finished ${formatDateTime(c.finishedAt, timeZone)}`
      : c.startedAt
        ? `Started ${formatDateTime(c.startedAt, timeZone)}`
        : c.scheduledAt
          ? `Scheduled ${formatDateTime(c.scheduledAt, timeZone)}`
          : "—";
  return (
    <Page
      title="Campaigns"
      primaryAction={{ content: "New campaign", url: "/app/campaigns/new" }}
      pagination={nextCursor ? { hasNext: true, nextURL: `?after=${nextCursor}` } : undefined}
    >
      <ListCard
        resourceName={{ singular: "campaign", plural: "campaigns" }}
        itemCount={campaigns.length}
        headings={["Name", "Segment", "Status", "When", { title: "Recipients", alignment: "end" }, "Results"]}
        empty={
          <EmptyList
            heading="Send your first campaign"
            action={{ content: "Compose a campaign", url: "/app/campaigns/new" }}
          >
            <p>
              Pick a segment, write the text, see who it reaches and what it costs, then send it now or schedule it.
              Only shoppers with SMS consent receive it.
            </p>
          </EmptyList>
        }
      >
        {campaigns.map((c, i) => (
          <IndexTable.Row id={c.id} key={c.id} position={i}>
            <IndexTable.Cell>
              <Link to={`/app/campaigns/${c.id}`}>
                <Text as="span" fontWeight="semibold">
                  {c.name}
                </Text>
              </Link>
            </IndexTable.Cell>
            <IndexTable.Cell>{c.segment}</IndexTable.Cell>
            <IndexTable.Cell>
              <StatusBadge status={c.status} />
            </IndexTable.Cell>
            <IndexTable.Cell>{when(c)}</IndexTable.Cell>
            <NumericCell value={formatCount(c.recipients)} />
            <IndexTable.Cell>
              {c.sent
                ? `${formatCount(c.delivered)} delivered · ${formatCount(c.orders)} orders · ${formatMoney(c.revenue, currency)}`
                : "—"}
            </IndexTable.Cell>
          </IndexTable.Row>
        ))}
      </ListCard>
    </Page>
  );
}
