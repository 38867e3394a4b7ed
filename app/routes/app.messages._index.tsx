import type { LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import {
  BlockStack,
  Button,
  Card,
  EmptyState,
  IndexTable,
  InlineStack,
  Page,
  Select,
  Text,
  TextField,
} from "@shopify/polaris";
import { useState } from "react";
import { requireShop } from "../admin/auth.server";
import { formatDateTime } from "../admin/format";
import { messageLog, sourceOptions } from "../admin/messages.server";
import db from "../db.server";
import { StatusBadge } from "../components/StatusBadge";

const STATUSES = ["SCHEDULED", "HELD", "SENDING", "SENT", "DELIVERED", "FAILED", "CANCELLED", "SUPPRESSED", "RECEIVED"];

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await requireShop(request);
  const url = new URL(request.url);
  const [log, sources] = await Promise.all([messageLog(db, shop, url), sourceOptions(db, shop.id)]);
  return { ...log, sources, timeZone: shop.ianaTimezone, query: url.searchParams.toString() };
};

export default function Messages() {
  const { messages, nextCursor, filters, sources, timeZone, query } = useLoaderData<typeof loader>();
  const next = new URLSearchParams(query);
  if (nextCursor) next.set("after", nextCursor);
  const filtered = Object.values(filters).some(Boolean);
  return (
    <Page
      title="Messages"
      subtitle={`Every text sent and received, newest first. Times in ${timeZone}.`}
      pagination={nextCursor ? { hasNext: true, nextURL: `?${next}` } : undefined}
    >
      <BlockStack gap="400">
        <FilterBar filters={filters} sources={sources} />
        <Card padding="0">
          {messages.length === 0 ? (
            <EmptyState
              heading={filtered ? "No messages match these filters" : "No messages yet"}
              image="https://cdn.shopify.com/s/files/1/0262/4071/2726/files/emptystate-files.png"
              action={
                filtered
                  ? { content: "Clear filters", url: "/app/messages" }
                  : { content: "Compose a campaign", url: "/app/campaigns/new" }
              }
            >
              <p>
                {filtered
                  ? "Try another phone number, name, status or date range."
                  : "Texts appear here as flows and campaigns send them, and shoppers' replies as they arrive."}
              </p>
            </EmptyState>
          ) : (
            <IndexTable
              resourceName={{ singular: "message", plural: "messages" }}
              itemCount={messages.length}
              selectable={false}
              headings={[
                { title: "When" },
                { title: "Shopper" },
                { title: "Status" },
                { title: "Source" },
                { title: "Gates and provider" },
                { title: "Text" },
              ]}
            >
              {messages.map((m, i) => (
                <IndexTable.Row id={m.id} key={m.id} position={i}>
                  <IndexTable.Cell>{formatDateTime(m.at, timeZone)}</IndexTable.Cell>
                  <IndexTable.Cell>
                    <BlockStack>
                      {m.customer ? (
                        <Link to={`/app/shoppers/${m.customer.id}`}>{m.customer.name}</Link>
                      ) : (
                        <Text as="span">Unknown shopper</Text>
                      )}
                      <Text
                        as="span"
                        tone="subdued"
                        variant="bodySm"
                      >{`${m.direction === "INBOUND" ? "from" : "to"} ${m.phone ?? "—"}`}</Text>
                    </BlockStack>
                  </IndexTable.Cell>
                  <IndexTable.Cell>
                    <StatusBadge status={m.status} />
                  </IndexTable.Cell>
                  <IndexTable.Cell>{m.source}</IndexTable.Cell>
                  <IndexTable.Cell>
                    <div style={{ maxWidth: 260, whiteSpace: "normal" }}>
                      <BlockStack>
                        <Text
                          as="span"
                          tone={m.gate.startsWith("blocked") || m.gate.startsWith("failed") ? "critical" : undefined}
                        >
                          {m.gate}
                        </Text>
                        {m.provider || m.providerStatus ? (
                          <Text as="span" variant="bodySm" tone="subdued" breakWord>
                            {[m.provider, m.providerStatus].filter(Boolean).join(" · ")}
                          </Text>
                        ) : null}
                        {m.error && m.status === "FAILED" ? (
                          <Text as="span" variant="bodySm" tone="critical">
                            {m.error}
                          </Text>
                        ) : null}
                      </BlockStack>
                    </div>
                  </IndexTable.Cell>
                  <IndexTable.Cell>
                    <div style={{ maxWidth: 280, whiteSpace: "normal" }}>
                      <Text as="span" variant="bodySm" fontWeight={m.direction === "INBOUND" ? "semibold" : undefined}>
                        {m.body.length > 160 ? `${m.body.slice(0, 160)}…` : m.body}
                      </Text>
                    </div>
                  </IndexTable.Cell>
                </IndexTable.Row>
              ))}
            </IndexTable>
          )}
        </Card>
      </BlockStack>
    </Page>
  );
}

type Filters = ReturnType<typeof useLoaderData<typeof loader>>["filters"];

/** A plain GET form: the filters live in the URL, so a filtered view can be shared and reloaded. */
function FilterBar({ filters, sources }: { filters: Filters; sources: { value: string; label: string }[] }) {
  const [q, setQ] = useState(filters.q ?? "");
  const [status, setStatus] = useState(filters.status ?? "");
  const [direction, setDirection] = useState(filters.direction ?? "");
  const [source, setSource] = useState(filters.source ?? "");
  const [from, setFrom] = useState(filters.from ?? "");
  const [to, setTo] = useState(filters.to ?? "");
  return (
    <Card>
      <Form method="get">
        <InlineStack gap="300" blockAlign="end" wrap>
          <div style={{ minWidth: 240 }}>
            <TextField
              label="Phone or name"
              name="q"
              value={q}
              onChange={setQ}
              autoComplete="off"
              placeholder="+60 12-345 6789 or Ava"
            />
          </div>
          <Select
            label="Status"
            name="status"
            value={status}
            onChange={setStatus}
            options={[
              { label: "Any", value: "" },
              ...STATUSES.map((s) => ({ label: s.charAt(0) + s.slice(1).toLowerCase(), value: s })),
            ]}
          />
          <Select
            label="Direction"
            name="direction"
            value={direction}
            onChange={setDirection}
            options={[
              { label: "Both", value: "" },
              { label: "Sent", value: "OUTBOUND" },
              { label: "Replies", value: "INBOUND" },
            ]}
          />
          <Select
            label="Flow or campaign"
            name="source"
            value={source}
            onChange={setSource}
            options={[{ label: "All", value: "" }, ...sources]}
          />
          <TextField label="From" type="date" name="from" value={from} onChange={setFrom} autoComplete="off" />
          <TextField label="To" type="date" name="to" value={to} onChange={setTo} autoComplete="off" />
          <Button submit variant="primary">
            Apply
          </Button>
          <Button url="/app/messages" variant="plain">
            Clear
          </Button>
        </InlineStack>
      </Form>
    </Card>
  );
}
