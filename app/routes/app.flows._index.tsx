import { type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { useFetcher, useLoaderData } from "@remix-run/react";
import { useState } from "react";
import { z } from "zod";
import {
  Badge,
  BlockStack,
  Button,
  Card,
  EmptyState,
  IndexTable,
  InlineStack,
  Layout,
  Link,
  List,
  Modal,
  Page,
  Text,
} from "@shopify/polaris";
import { invalid } from "../admin/form-result";
import { notFound, requireShop } from "../admin/auth.server";
import { flowList, PERFORMANCE_DAYS, type FlowListItem } from "../admin/flows.server";
import { formatCount, formatMoney, formatPercent } from "../admin/format";
import { setFlowEnabled } from "../flows/manage.server";
import db from "../db.server";
import { NumericCell } from "../components/NumericCell";
import { clock } from "../runtime/services.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await requireShop(request);
  return { flows: await flowList(shop.id, clock.now()), currency: shop.currency, days: PERFORMANCE_DAYS };
};

const ToggleInput = z.object({
  flowId: z.string().min(1),
  enabled: z.enum(["true", "false"]).transform((v) => v === "true"),
});

export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop } = await requireShop(request);
  const parsed = ToggleInput.safeParse(Object.fromEntries(await request.formData()));
  if (!parsed.success) return invalid({ form: "Choose a flow and whether to turn it on or off" });
  if (!(await setFlowEnabled(db, shop.id, parsed.data.flowId, parsed.data.enabled))) notFound("Flow");
  return { ok: true, enabled: parsed.data.enabled };
};

export default function FlowsIndex() {
  const { flows, currency, days } = useLoaderData<typeof loader>();
  const builtIn = flows.filter((f) => f.builtIn);
  const custom = flows.filter((f) => !f.builtIn);
  return (
    <Page
      title="Flows"
      primaryAction={{ content: "Create flow", url: "/app/flows/new" }}
      subtitle={`Automated texts that react to what shoppers do. Numbers cover texts sent in the last ${days} days.`}
    >
      <Layout>
        <Layout.Section>
          <FlowTable title="Built-in flows" flows={builtIn} currency={currency} />
        </Layout.Section>
        <Layout.Section>
          {custom.length ? (
            <FlowTable title="Your flows" flows={custom} currency={currency} />
          ) : (
            <Card>
              <EmptyState
                heading="No flows of your own yet"
                image=""
                action={{ content: "Create flow", url: "/app/flows/new" }}
              >
                <p>
                  The built-in flows above cover abandoned checkouts, restocks, repeat buyers, win-back and welcome
                  texts: turn one on, or open it to change its texts, delays and A/B variants. For anything else, create
                  a flow of your own from a segment, an order, a restock or a new subscriber.
                </p>
              </EmptyState>
            </Card>
          )}
        </Layout.Section>
      </Layout>
    </Page>
  );
}

const NUMBER_COLUMNS = ["In progress", "Sent", "Delivered", "CTR", "Opt-outs", "Orders", "Revenue", "Cost"];

function FlowTable({ title, flows, currency }: { title: string; flows: FlowListItem[]; currency: string }) {
  return (
    <Card padding="0">
      <BlockStack>
        <div style={{ padding: "var(--p-space-400)" }}>
          <Text as="h2" variant="headingMd">
            {title}
          </Text>
        </div>
        <IndexTable
          resourceName={{ singular: "flow", plural: "flows" }}
          itemCount={flows.length}
          selectable={false}
          headings={[
            { title: "Flow" },
            { title: "Status" },
            ...NUMBER_COLUMNS.map((title) => ({ title, alignment: "end" as const })),
            { title: "" },
          ]}
        >
          {flows.map((flow, i) => (
            <FlowRow key={flow.id} flow={flow} index={i} currency={currency} />
          ))}
        </IndexTable>
      </BlockStack>
    </Card>
  );
}

function FlowRow({ flow, index, currency }: { flow: FlowListItem; index: number; currency: string }) {
  const fetcher = useFetcher<typeof action>();
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

/** Turning a flow on starts texting shoppers: say exactly what will happen first. */
function TurnOnModal({ flow, onClose, onConfirm }: { flow: FlowListItem; onClose: () => void; onConfirm: () => void }) {
  return (
    <Modal
      open
      onClose={onClose}
      title={`Turn on “${flow.name}”?`}
      primaryAction={{ content: "Turn on", onAction: onConfirm }}
      secondaryActions={[{ content: "Cancel", onAction: onClose }]}
    >
      <Modal.Section>
        <BlockStack gap="300">
          <Text as="p">
            <strong>When:</strong> {flow.trigger}.
          </Text>
          <List type="number">
            {flow.steps.map((step, i) => (
              <List.Item key={i}>{step}</List.Item>
            ))}
          </List>
          <Text as="p">{flow.exits}</Text>
          {flow.segmentMembers != null && (
            <Text as="p" tone="subdued">
              {formatCount(flow.segmentMembers)} shoppers are in that segment now. Only shoppers who enter it from now
              on get texts.
            </Text>
          )}
          <Text as="p" tone="subdued">
            Texts go only to shoppers with recorded SMS consent, outside quiet hours and within your frequency cap; the
            first text to a shopper carries your sender name and opt-out instructions.
          </Text>
        </BlockStack>
      </Modal.Section>
    </Modal>
  );
}
