import type { ReactNode } from "react";
import { BlockStack, Card, InlineGrid, Text } from "@shopify/polaris";
import { BarChart, LineChart } from "@shopify/polaris-viz";
import type { DayPoint } from "../../admin/dashboard.server";
import { formatMoney } from "../../admin/format";
import { useHydrated } from "../useHydrated";

/** Sent and delivered, and attributed revenue, per day of the period. */
export function DailyCharts({ series, currency }: { series: DayPoint[]; currency: string }) {
  return (
    <InlineGrid columns={{ xs: 1, md: 2 }} gap="400">
      <ChartCard title="Sent and delivered per day">
        <LineChart
          data={[
            { name: "Sent", data: series.map((p) => ({ key: p.day, value: p.sent })) },
            { name: "Delivered", data: series.map((p) => ({ key: p.day, value: p.delivered })) },
          ]}
        />
      </ChartCard>
      <ChartCard title="Attributed revenue per day">
        <BarChart
          data={[{ name: "Revenue", data: series.map((p) => ({ key: p.day, value: p.revenue })) }]}
          yAxisOptions={{ labelFormatter: (v) => formatMoney(Number(v ?? 0), currency) }}
        />
      </ChartCard>
    </InlineGrid>
  );
}

/** Charts measure the browser's layout, so they are drawn after hydration only. */
function ChartCard({ title, children }: { title: string; children: ReactNode }) {
  const hydrated = useHydrated();
  return (
    <Card>
      <BlockStack gap="200">
        <Text as="h3" variant="headingSm">
          {title}
        </Text>
        <div style={{ height: 260 }}>{hydrated ? children : null}</div>
      </BlockStack>
    </Card>
  );
}
