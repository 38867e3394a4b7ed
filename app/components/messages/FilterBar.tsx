import { useState } from "react";
import { Form } from "@remix-run/react";
import { Button, Card, InlineStack, Select, TextField } from "@shopify/polaris";
import type { MessageFilters } from "../../admin/messages.server";

const STATUSES = ["SCHEDULED", "HELD", "SENDING", "SENT", "DELIVERED", "FAILED", "CANCELLED", "SUPPRESSED", "RECEIVED"];

/** A plain GET form: the filters live in the URL, so a filtered view can be shared and reloaded. */
export function FilterBar({
  filters,
  sources,
}: {
  filters: MessageFilters;
  sources: { value: string; label: string }[];
}) {
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
