import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { BlockStack, Card, Layout, Page, Text } from "@shopify/polaris";
import { requireShop } from "../admin/auth.server";
import db from "../db.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await requireShop(request);
  const [customers, subscribers, segments] = await Promise.all([
    db.customer.count({ where: { shopId: shop.id, deletedAt: null } }),
    db.customer.count({ where: { shopId: shop.id, smsConsent: "SUBSCRIBED" } }),
    db.segment.count({ where: { shopId: shop.id, archivedAt: null } }),
  ]);
  return { shop: shop.domain, customers, subscribers, segments };
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
