import { Link, useNavigate, useSearchParams } from "@remix-run/react";
import { Box, Button, Card, DataTable, EmptyState, InlineStack, Pagination, Select } from "@shopify/polaris";
import type { LedgerFilter } from "../../admin/consent.server";
import { CONSENT_SOURCES, CONSENT_STATES } from "../../admin/consent-options";
import { formatDateTime } from "../../admin/format";
import { label, StateBadge, type LedgerPage } from "./consent-page";

/** The ledger, oldest first: filters by state and source (in the URL), the facts with their evidence, pages. */
export function LedgerTable({
  filter,
  page,
  narrowed,
  timeZone,
}: {
  filter: LedgerFilter;
  page: LedgerPage;
  /** The ledger shows one shopper's facts (phones are not links then). */
  narrowed: boolean;
  timeZone: string;
}) {
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const withParam = (key: string, value: string | null) => {
    const next = new URLSearchParams(params);
    if (value) next.set(key, value);
    else next.delete(key);
    if (key !== "after") next.delete("after");
    return `?${next}`;
  };
  const filtered = !!(filter.state || filter.source);
  return (
    <Card padding="0">
      <Box padding="300">
        <InlineStack gap="300" blockAlign="end">
          <Select
            label="State"
            options={[{ label: "Any state", value: "" }, ...CONSENT_STATES.map((s) => ({ label: label(s), value: s }))]}
            value={filter.state ?? ""}
            onChange={(v) => navigate(withParam("state", v))}
          />
          <Select
            label="Source"
            options={[
              { label: "Any source", value: "" },
              ...CONSENT_SOURCES.map((s) => ({ label: label(s), value: s })),
            ]}
            value={filter.source ?? ""}
            onChange={(v) => navigate(withParam("source", v))}
          />
          {filtered && (
            <Button variant="plain" url={filter.customer ? `?customer=${filter.customer}` : "/app/consent"}>
              Clear filters
            </Button>
          )}
        </InlineStack>
      </Box>
      {page.rows.length ? (
        <DataTable
          columnContentTypes={["text", "text", "text", "text", "text", "text", "text"]}
          headings={["When", "Phone", "State", "Source", "Opt-in level", "Wording shown", "Evidence"]}
          verticalAlign="top"
          rows={page.rows.map((e) => [
            formatDateTime(e.occurredAt, timeZone),
            e.customerId && !narrowed ? (
              <Link to={`?customer=${e.customerId}`}>{e.phone ?? "—"}</Link>
            ) : (
              (e.phone ?? "—")
            ),
            <StateBadge key="state" state={e.state} />,
            label(e.source),
            e.optInLevel ? label(e.optInLevel) : "—",
            <Clipped key="wording" text={e.wording} />,
            <Clipped key="evidence" text={e.evidence} />,
          ])}
        />
      ) : (
        <EmptyState heading={filtered || narrowed ? "Nothing matches" : "No consent recorded yet"} image="">
          <p>
            {filtered || narrowed
              ? "Try another state or source."
              : "Consent arrives from the checkout block, the storefront sign-up form, keywords (START / STOP) and imports. Import the subscribers you already have to start."}
          </p>
        </EmptyState>
      )}
      <Box padding="300">
        <Pagination
          hasPrevious={params.has("after")}
          onPrevious={() => navigate(withParam("after", null))}
          previousTooltip="First page"
          hasNext={!!page.nextCursor}
          onNext={() => navigate(withParam("after", page.nextCursor))}
        />
      </Box>
    </Card>
  );
}

function Clipped({ text }: { text: string | null }) {
  if (!text) return <>—</>;
  return (
    <div style={{ maxWidth: 280, whiteSpace: "normal", wordBreak: "break-word" }} title={text}>
      {text.length > 120 ? `${text.slice(0, 117)}…` : text}
    </div>
  );
}
