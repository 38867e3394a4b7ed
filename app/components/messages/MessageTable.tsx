import { Link } from "@remix-run/react";
import { BlockStack, IndexTable, Text } from "@shopify/polaris";
import { formatDateTime } from "../../admin/format";
import type { MessageRow as Row } from "../../admin/messages.server";
import { EmptyList, ListCard } from "../ListCard";
import { StatusBadge } from "../StatusBadge";

/** The message log: one row a text, with who, status, source, gate decisions and the text itself. */
export function MessageTable({
  messages,
  timeZone,
  filtered,
}: {
  messages: Row[];
  timeZone: string;
  filtered: boolean;
}) {
  return (
    <ListCard
      resourceName={{ singular: "message", plural: "messages" }}
      itemCount={messages.length}
      headings={["When", "Shopper", "Status", "Source", "Gates and provider", "Text"]}
      empty={
        <EmptyList
          heading={filtered ? "No messages match these filters" : "No messages yet"}
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
        </EmptyList>
      }
    >
      {messages.map((m, i) => (
        <MessageRow key={m.id} m={m} index={i} timeZone={timeZone} />
      ))}
    </ListCard>
  );
}

function MessageRow({ m, index, timeZone }: { m: Row; index: number; timeZone: string }) {
  return (
    <IndexTable.Row id={m.id} position={index}>
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
            <Text as="span" tone={m.gate.startsWith("blocked") || m.gate.startsWith("failed") ? "critical" : undefined}>
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
  );
}
