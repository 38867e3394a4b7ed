import { useState } from "react";
import { useFetcher } from "@remix-run/react";
import { Badge, BlockStack, Button, IndexTable, InlineStack, Link, Text } from "@shopify/polaris";
import type { FlowListItem } from "../../admin/flows.server";
import { formatCount, formatMoney, formatPercent } from "../../admin/format";
import { ListCard } from "../ListCard";
import { NumericCell } from "../NumericCell";
import { TurnOnModal } from "./TurnOnModal";

const NUMBER_COLUMNS = ["In progress", "Sent", "Delivered", "CTR", "Opt-outs", "Orders", "Revenue", "Cost"];

/** A titled table of flows with their last-30-days numbers, each row with its on/off and edit buttons. */
export function FlowTable({ title, flows, currency }: { title: string; flows: FlowListItem[]; currency: string }) {
  return (
    <ListCard
      title={title}
      resourceName={{ singular: "flow", plural: "flows" }}
      itemCount={flows.length}
      headings={["Flow", "Status", ...NUMBER_COLUMNS.map((title) => ({ title, alignment: "end" as const })), ""]}
    >
      {flows.map((flow, i) => (
        <FlowRow key={flow.id} flow={flow} index={i} currency={currency} />
      ))}
    </ListCard>
  );
}

function FlowRow({ flow, index, currency }: { flow: FlowListItem; index: number; currency: string }) {
  const fetcher = useFetcher();
  const [confirming, setConfirming] = useState(false);
  const p = flow.performance;
  // Show the new state as soon as the merchant asks for it.
  const enabled = fetcher.formData ? fetcher.formData.get("enabled") === "true" : flow.enabled;
  return (
    <IndexTable.Row id={flow.id} position={index}>
      <IndexTable.Cell>
        <BlockStack gap="100">
          <Link url={`/app/flows/${flow.id}`} removeUnderline>
            <Text as="span" fontWeight="semibold">
              {flow.name}
            </Text>
          </Link>
          <Text as="span" tone="subdued" variant="bodySm">
            {flow.trigger}
          </Text>
        </BlockStack>
      </IndexTable.Cell>
      <IndexTable.Cell>
        <Badge tone={enabled ? "success" : undefined}>{enabled ? "On" : "Off"}</Badge>
      </IndexTable.Cell>
      <NumericCell value={formatCount(flow.activeRuns)} />
      <NumericCell value={formatCount(p.sent)} />
      <NumericCell value={formatPercent(p.deliveryRate)} />
      <NumericCell value={formatPercent(p.clickThroughRate)} />
      <NumericCell value={formatPercent(p.optOutRate)} />
      <NumericCell value={formatCount(p.conversions.click)} />
      <NumericCell value={formatMoney(p.revenue.click, currency)} />
      <NumericCell value={formatMoney(p.cost, currency)} />
      <IndexTable.Cell>
        <InlineStack gap="200" wrap={false}>
          {enabled ? (
            <fetcher.Form method="post">
              <input type="hidden" name="flowId" value={flow.id} />
              <input type="hidden" name="enabled" value="false" />
              <Button submit accessibilityLabel={`Turn off ${flow.name}`}>
                Turn off
              </Button>
            </fetcher.Form>
          ) : (
            <Button variant="primary" onClick={() => setConfirming(true)} accessibilityLabel={`Turn on ${flow.name}`}>
              Turn on
            </Button>
          )}
          {confirming && (
            <TurnOnModal
              flow={flow}
              onClose={() => setConfirming(false)}
              onConfirm={() => {
                fetcher.submit({ flowId: flow.id, enabled: "true" }, { method: "post" });
                setConfirming(false);
              }}
            />
          )}
          <Button url={`/app/flows/${flow.id}`} accessibilityLabel={`Edit ${flow.name}`}>
            Edit
          </Button>
        </InlineStack>
      </IndexTable.Cell>
    </IndexTable.Row>
  );
}
