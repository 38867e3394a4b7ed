import { Badge, BlockStack, Card, InlineStack, ProgressBar, Text } from "@shopify/polaris";
import type { ChecklistStep } from "../../admin/dashboard.server";

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

/** Getting started: each step with where to do it, and how many are done. */
export function ChecklistCard({ checklist }: { checklist: ChecklistStep[] }) {
  const done = checklist.filter((s) => s.done).length;
  return (
    <Card>
      <BlockStack gap="300">
        <InlineStack align="space-between">
          <Text as="h2" variant="headingMd">
            Get ready to send
          </Text>
          <Text as="span" tone="subdued">
            {done} of {checklist.length} done
          </Text>
        </InlineStack>
        <ProgressBar progress={(done / checklist.length) * 100} size="small" />
        {checklist.map((step) => (
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
  );
}
