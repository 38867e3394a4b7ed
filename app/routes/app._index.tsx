import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { BlockStack, Card, Layout, Page, Text } from "@shopify/polaris";
import { authenticate } from "../shopify.server";
import db from "../db.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const shop = await db.shop.findUnique({ where: { domain: session.shop } });
  const [customers, subscribers, segments] = shop
    ? await Promise.all([
        db.customer.count({ where: { shopId: shop.id, deletedAt: null } }),
        db.customer.count({ where: { shopId: shop.id, smsConsent: "SUBSCRIBED" } }),
        db.segment.count({ where: { shopId: shop.id, archivedAt: null } }),
      ])
    : [0, 0, 0];
  return { shop: session.shop, customers, subscribers, segments };
};

export default function Index() {
  const data = useLoaderData<typeof loader>();
  return (
    <Page title="Segmented SMS">
      <Layout>
        <Layout.Section>
          <Card>
            <BlockStack gap="200">
              <Text as="h2" variant="headingMd">
                {data.shop}
              </Text>
              <Text as="p">
                {data.customers} customers, {data.subscribers} SMS subscribers, {data.segments} segments.
              </Text>
            </BlockStack>
          </Card>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
