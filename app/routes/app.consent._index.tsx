import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData, useNavigate, useSearchParams } from "@remix-run/react";
import {
  Badge,
  BlockStack,
  Box,
  Button,
  Card,
  DataTable,
  EmptyState,
  InlineGrid,
  InlineStack,
  Layout,
  Page,
  Pagination,
  Select,
  Text,
} from "@shopify/polaris";
import { useState } from "react";
import { notFound, requireShop } from "../admin/auth.server";
import { consentCounts, consentSubject, ledgerFilterOf, ledgerPage } from "../admin/consent.server";
import { CONSENT_SOURCES, CONSENT_STATES } from "../admin/consent-options";
import { formatCount, formatDateTime } from "../admin/format";
import db from "../db.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await requireShop(request);
  const url = new URL(request.url);
  const filter = ledgerFilterOf(url);
  const subject = filter.customer ? await consentSubject(db, shop.id, filter.customer) : null;
  if (filter.customer && !subject) notFound("Customer");
  const [page, counts] = await Promise.all([ledgerPage(db, shop.id, filter, url), consentCounts(db, shop.id)]);
  return { filter, subject, page, counts, timeZone: shop.ianaTimezone };
};

const label = (value: string) => value.charAt(0) + value.slice(1).toLowerCase().replace(/_/g, " ");
const STATE_TONE: Record<string, "success" | "critical" | "attention" | undefined> = {
  SUBSCRIBED: "success",
  UNSUBSCRIBED: "critical",
  PENDING: "attention",
};
const StateBadge = ({ state }: { state: string }) => <Badge tone={STATE_TONE[state]}>{label(state)}</Badge>;

export default function ConsentLedger() {
  const { filter, subject, page, counts, timeZone } = useLoaderData<typeof loader>();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const [exporting, setExporting] = useState(false);
  const withParam = (key: string, value: string | null) => {
    const next = new URLSearchParams(params);
    if (value) next.set(key, value);
    else next.delete(key);
    if (key !== "after") next.delete("after");
    return `?${next}`;
  };
  // A fetch (App Bridge adds the session token to it inside Shopify's admin), saved as a file.
  const exportCsv = async () => {
    setExporting(true);
    try {
      const response = await fetch("/app/consent/export");
      if (!response.ok) throw new Error(`export answered ${response.status}`);
      const link = document.createElement("a");
      link.href = URL.createObjectURL(await response.blob());
      link.download = `consent-ledger-${new Date().toISOString().slice(0, 10)}.csv`;
      link.click();
      URL.revokeObjectURL(link.href);
    } finally {
      setExporting(false);
    }
  };
  const filtered = !!(filter.state || filter.source);

  return (
    <Page
      title="Consent"
      subtitle="Every opt-in and opt-out, with the wording shown and the evidence"
      primaryAction={{ content: "Import contacts", url: "/app/consent/import" }}
      secondaryActions={[{ content: "Export CSV", onAction: exportCsv, loading: exporting }]}
    >
      <Layout>
        <Layout.Section>
          <InlineGrid columns={{ xs: 1, md: 3 }} gap="400">
            <CountCard label="Subscribed now" count={counts.subscribed} />
            <CountCard label="Unsubscribed" count={counts.unsubscribed} />
            <Card>
              <BlockStack gap="100">
                <Text as="p" tone="subdued">
                  Opt-ins / opt-outs by source
                </Text>
                {counts.sources.length ? (
                  counts.sources.map((s) => (
                    <InlineStack key={s.source} align="space-between">
                      <Text as="span">{label(s.source)}</Text>
                      <Text as="span">
                        {formatCount(s.optIns)} / {formatCount(s.optOuts)}
                      </Text>
                    </InlineStack>
                  ))
                ) : (
                  <Text as="p">None recorded yet</Text>
                )}
              </BlockStack>
            </Card>
          </InlineGrid>
        </Layout.Section>
        {subject && (
          <Layout.Section>
            <Card>
              <InlineStack align="space-between" blockAlign="center">
                <BlockStack gap="100">
                  <Text as="h2" variant="headingMd">
                    {subject.name} · {subject.phone ?? "no phone"}
                  </Text>
                  <InlineStack gap="200" blockAlign="center">
                    <Text as="span">Current consent:</Text>
                    <StateBadge state={subject.smsConsent} />
                    <Text as="span" tone="subdued">
                      since {formatDateTime(subject.smsConsentAt, timeZone)}
                    </Text>
                  </InlineStack>
                  <Text as="p" tone="subdued">
                    The latest fact wins, whatever order facts arrived in. Oldest first below.
                  </Text>
                </BlockStack>
                <Button url="/app/consent">Whole ledger</Button>
              </InlineStack>
            </Card>
          </Layout.Section>
        )}
        <Layout.Section>
          <Card padding="0">
            <Box padding="300">
              <InlineStack gap="300" blockAlign="end">
                <Select
                  label="State"
                  options={[
                    { label: "Any state", value: "" },
                    ...CONSENT_STATES.map((s) => ({ label: label(s), value: s })),
                  ]}
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
                  e.customerId && !subject ? (
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
              <EmptyState heading={filtered || subject ? "Nothing matches" : "No consent recorded yet"} image="">
                <p>
                  {filtered || subject
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
        </Layout.Section>
      </Layout>
    </Page>
  );
}

function CountCard({ label: title, count }: { label: string; count: number }) {
  return (
    <Card>
      <Text as="p" tone="subdued">
        {title}
      </Text>
      <Text as="p" variant="headingLg">
        {formatCount(count)}
      </Text>
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
