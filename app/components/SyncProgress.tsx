import { Badge, BlockStack, Card, InlineStack, ProgressBar, Text } from "@shopify/polaris";
import type { SyncReport } from "../sync/report.server";

const STATE_BADGE = {
  waiting: { tone: undefined, label: "Waiting" },
  querying: { tone: "info", label: "Asking Shopify" },
  writing: { tone: "attention", label: "Importing" },
  done: { tone: "success", label: "Done" },
} as const;

type Report = Pick<SyncReport, "status" | "fraction" | "secondsLeft" | "resources" | "segments" | "error">;

function timeLeft(seconds: number | null): string {
  if (seconds === null) return "estimating time left…";
  if (seconds < 60) return "less than a minute left";
  return `about ${Math.ceil(seconds / 60)} minutes left`;
}

/** The store-history import while it runs: one bar, then a row per resource with counts. */
export function SyncProgress({ report }: { report: Report }) {
  const running = report.status === "RUNNING" || report.status === "SEGMENTS";
  return (
    <Card>
      <BlockStack gap="300">
        <InlineStack align="space-between">
          <Text as="h2" variant="headingMd">
            Importing your store&apos;s history
          </Text>
          <Text as="span" tone="subdued">
            {running ? `${Math.round(report.fraction * 100)}%, ${timeLeft(report.secondsLeft)}` : report.status}
          </Text>
        </InlineStack>
        <ProgressBar
          progress={report.fraction * 100}
          size="small"
          tone={report.status === "FAILED" ? "critical" : "highlight"}
        />
        <Text as="p" tone="subdued">
          Customers, their SMS consent, orders of the last two years and products come in through Shopify&apos;s bulk
          export. Segments are filled once at the end; nobody is texted because of past events.
        </Text>
        {report.resources.map((r) => (
          <InlineStack key={r.key} align="space-between" blockAlign="center">
            <InlineStack gap="200" blockAlign="center">
              <Badge tone={STATE_BADGE[r.state].tone}>{STATE_BADGE[r.state].label}</Badge>
              <Text as="span">{r.label}</Text>
            </InlineStack>
            <Text as="span" tone="subdued" numeric>
              {r.total !== null
                ? `${r.applied.toLocaleString()} of ${r.total.toLocaleString()}`
                : r.applied
                  ? r.applied.toLocaleString()
                  : ""}
            </Text>
          </InlineStack>
        ))}
        <InlineStack align="space-between">
          <Text as="span">Segments computed</Text>
          <Text as="span" tone="subdued" numeric>
            {report.segments.done} of {report.segments.total || "…"}
          </Text>
        </InlineStack>
        {report.error && (
          <Text as="p" tone="critical">
            {report.error}
          </Text>
        )}
      </BlockStack>
    </Card>
  );
}
