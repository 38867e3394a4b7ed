import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData, useNavigate } from "@remix-run/react";
import {
  Badge,
  BlockStack,
  Box,
  Card,
  DataTable,
  EmptyState,
  InlineGrid,
  InlineStack,
  Layout,
  Page,
  ProgressBar,
  Select,
  Text,
} from "@shopify/polaris";
import { BarChart, LineChart } from "@shopify/polaris-viz";
import { useEffect, useState, type ReactNode } from "react";
import { requireShop } from "../admin/auth.server";
import { dashboard, periodOf } from "../admin/dashboard.server";
import { PERIODS } from "../admin/periods";
import { formatCount, formatMoney, formatPercent } from "../admin/format";
import db from "../db.server";
import { SectionCard } from "../components/SectionCard";
import { SyncProgress } from "../components/SyncProgress";
import { usePollWhile } from "../components/usePollWhile";
import { clock } from "../runtime/services.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await requireShop(request);
  return dashboard(db, shop, periodOf(new URL(request.url)), clock.now());
};

const STEPS = {
  history: { title: "Import your store's history", url: "/app/settings#history" },
  provider: { title: "Connect an SMS provider", url: "/app/settings" },
  flow: { title: "Turn on a flow", url: "/app/flows" },
  checkout: {
    title: "Add the SMS consent block to checkout",
    url: "https://help.shopify.com/en/manual/checkout-settings/checkout-extensibility/checkout-editor",
  },
  disclosure: { title: "Publish your consent disclosure", url: "/app/settings#disclosure" },
} as const;

export default function Home() {
  const data = useLoaderData<typeof loader>();
  const navigate = useNavigate();
  const n = data.numbers;
  const money = (v: number) => formatMoney(v, data.currency);
  const done = data.checklist.filter((s) => s.done).length;
  const numbers = [
    { label: "Texts sent", value: formatCount(n.sent) },
    { label: "Delivered", value: formatCount(n.delivered) },
    { label: "Clicks", value: formatCount(n.clicks) },
    { label: "Click-through rate", value: formatPercent(n.clickThroughRate) },
    { label: "Opt-out rate", value: formatPercent(n.optOutRate, 2) },
    { label: "Attributed revenue", value: money(n.revenue) },
    { label: "Cost", value: money(n.cost) },
  ];
  const syncing = data.sync?.status === "RUNNING" || data.sync?.status === "SEGMENTS";
  usePollWhile(syncing);
  return (
    <Page title="Home">
      <Layout>
        {data.sync && (syncing || data.sync.status === "FAILED") && (
          <Layout.Section>
            <SyncProgress report={data.sync} />
          </Layout.Section>
        )}
        {done < data.checklist.length && (
          <Layout.Section>
            <Card>
              <BlockStack gap="300">
                <InlineStack align="space-between">
                  <Text as="h2" variant="headingMd">
                    Get ready to send
                  </Text>
                  <Text as="span" tone="subdued">
                    {done} of {data.checklist.length} done
                  </Text>
                </InlineStack>
                <ProgressBar progress={(done / data.checklist.length) * 100} size="small" />
                {data.checklist.map((step) => (
                  <InlineStack key={step.key} gap="300" blockAlign="start" wrap={false}>
                    <Badge tone={step.done ? "success" : "attention"}>{step.done ? "Done" : "To do"}</Badge>
                    <BlockStack gap="050">
                      <a
                        href={STEPS[step.key].url}
                        target={STEPS[step.key].url.startsWith("http") ? "_blank" : undefined}
                        rel="noreferrer"
                      >
                        {STEPS[step.key].title}
                      </a>
                      <Text as="span" tone="subdued">
                        {step.detail}
                      </Text>
                    </BlockStack>
                  </InlineStack>
                ))}
              </BlockStack>
            </Card>
          </Layout.Section>
        )}
        <Layout.Section>
          <Card>
            <BlockStack gap="300">
              <InlineStack align="space-between" blockAlign="center">
                <Text as="h2" variant="headingMd">
                  Marketing texts
                </Text>
                <Box minWidth="180px">
                  <Select
                    label="Period"
                    labelInline
                    options={PERIODS.map((d) => ({ label: `Last ${d} days`, value: String(d) }))}
                    value={String(data.days)}
                    onChange={(days) => navigate(`?days=${days}`)}
                  />
                </Box>
              </InlineStack>
              <InlineGrid columns={{ xs: 2, md: 4 }} gap="300">
                {numbers.map((k) => (
                  <Box key={k.label} padding="200" background="bg-surface-secondary" borderRadius="200">
                    <Text as="p" tone="subdued">
                      {k.label}
                    </Text>
                    <Text as="p" variant="headingLg">
                      {k.value}
                    </Text>
                  </Box>
                ))}
              </InlineGrid>
            </BlockStack>
          </Card>
        </Layout.Section>
        <Layout.Section>
          <InlineGrid columns={{ xs: 1, md: 2 }} gap="400">
            <ChartCard title="Sent and delivered per day">
              <LineChart
                data={[
                  { name: "Sent", data: data.series.map((p) => ({ key: p.day, value: p.sent })) },
                  { name: "Delivered", data: data.series.map((p) => ({ key: p.day, value: p.delivered })) },
                ]}
              />
            </ChartCard>
            <ChartCard title="Attributed revenue per day">
              <BarChart
                data={[{ name: "Revenue", data: data.series.map((p) => ({ key: p.day, value: p.revenue })) }]}
                yAxisOptions={{ labelFormatter: (v) => money(Number(v ?? 0)) }}
              />
            </ChartCard>
          </InlineGrid>
        </Layout.Section>
        <Layout.Section>
          <SectionCard title="Busiest segments" gap="200">
            {data.segments.length ? (
              <DataTable
                columnContentTypes={["text", "numeric", "numeric"]}
                headings={["Segment", "Members", `Entered in ${data.days} days`]}
                rows={data.segments.map((s) => [s.name, formatCount(s.memberCount), formatCount(s.entered)])}
              />
            ) : (
              <EmptyState heading="No segments yet" image="">
                <p>Segments fill as Shopify sends orders, checkouts and customers.</p>
              </EmptyState>
            )}
          </SectionCard>
        </Layout.Section>
      </Layout>
    </Page>
  );
}

/** Charts measure the browser's layout, so they are drawn after hydration only. */
function ChartCard({ title, children }: { title: string; children: ReactNode }) {
  const [mounted, setMounted] = useState(false);
  useEffect(() => setMounted(true), []);
  return (
    <Card>
      <BlockStack gap="200">
        <Text as="h3" variant="headingSm">
          {title}
        </Text>
        <div style={{ height: 260 }}>{mounted ? children : null}</div>
      </BlockStack>
    </Card>
  );
}
