import { useState } from "react";
import { Form } from "@remix-run/react";
import { Button, Card, InlineStack, Select, TextField } from "@shopify/polaris";
import type { MessageFilters } from "../../admin/messages.server";

const STATUSES = ["SCHEDULED", "HELD", "SENDING", "SENT", "DELIVERED", "FAILED", "CANCELLED", "SUPPRESSED", "RECEIVED"];

const DIRECTIONS = [
  { label: "Both", value: "" },
  { label: "Sent", value: "OUTBOUND" },
  { label: "Replies", value: "INBOUND" },
];

/** A plain GET form: the filters live in the URL, so a filtered view can be shared and reloaded. */
export function FilterBar({
  filters,
  sources,
}: {
  filters: MessageFilters;
  sources: { value: string; label: string }[];
}) {
  const [values, setValues] = useState({
    q: filters.q ?? "",
    status: filters.status ?? "",
    direction: filters.direction ?? "",
    source: filters.source ?? "",
    from: filters.from ?? "",
    to: filters.to ?? "",
  });
  // Each field posts under its filter's name and keeps what the merchant typed until Apply.
  const bind = (name: keyof typeof values) => ({
    name,
    value: values[name],
    onChange: (value: string) => setValues((current) => ({ ...current, [name]: value })),
  });
  return (
    <Card>
      <Form method="get">
        <InlineStack gap="300" blockAlign="end" wrap>
          <div style={{ minWidth: 240 }}>
            <TextField label="Phone or name" {...bind("q")} autoComplete="off" placeholder="+60 12-345 6789 or Ava" />
          </div>
          <Select
            label="Status"
            {...bind("status")}
            options={[
              { label: "Any", value: "" },
              ...STATUSES.map((s) => ({ label: s.charAt(0) + s.slice(1).toLowerCase(), value: s })),
            ]}
          />
          <Select label="Direction" {...bind("direction")} options={DIRECTIONS} />
          <Select label="Flow or campaign" {...bind("source")} options={[{ label: "All", value: "" }, ...sources]} />
          <TextField label="From" type="date" {...bind("from")} autoComplete="off" />
          <TextField label="To" type="date" {...bind("to")} autoComplete="off" />
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
