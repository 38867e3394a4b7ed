import { useNavigate } from "@remix-run/react";
import { BlockStack, Box, Card, InlineGrid, InlineStack, Select, Text } from "@shopify/polaris";
import type { KeyNumbers } from "../../admin/dashboard.server";
import { formatCount, formatMoney, formatPercent } from "../../admin/format";
import { PERIODS } from "../../admin/periods";

/** The period's key numbers for marketing texts, with the period chooser (kept in the URL). */
export function NumbersCard({ numbers: n, days, currency }: { numbers: KeyNumbers; days: number; currency: string }) {
  const navigate = useNavigate();
  const money = (v: number) => formatMoney(v, currency);
  const numbers = [
    { label: "Texts sent", value: formatCount(n.sent) },
    { label: "Delivered", value: formatCount(n.delivered) },
    { label: "Clicks", value: formatCount(n.clicks) },
    { label: "Click-through rate", value: formatPercent(n.clickThroughRate) },
    { label: "Opt-out rate", value: formatPercent(n.optOutRate, 2) },
    { label: "Attributed revenue", value: money(n.revenue) },
    { label: "Cost", value: money(n.cost) },
  ];
  return (
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
              value={String(days)}
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
  );
}
