import { useEffect, useState } from "react";
import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData, useNavigate, useSearchParams, useSubmit } from "@remix-run/react";
import {
  Badge,
  Banner,
  BlockStack,
  Card,
  DataTable,
  EmptyState,
  IndexTable,
  InlineStack,
  Layout,
  Modal,
  Page,
  Pagination,
  Text,
} from "@shopify/polaris";
import { BarChart } from "@shopify/polaris-viz";
import { badRequest } from "../admin/form-result";
import { notFound, requireShop } from "../admin/auth.server";
import { findSegment, segmentMembers, segmentOverview, SMALL_SEGMENT_SUBSCRIBERS } from "../admin/segments.server";
import { formatCount, formatDateTime, formatPercent } from "../admin/format";
import { archiveSegment } from "../segments/manage.server";
import db from "../db.server";
import { BackfillProgress, KindBadge } from "../components/segments/SegmentBadges";
import { usePollWhile } from "../components/usePollWhile";
import { SectionCard } from "../components/SectionCard";
import { clock } from "../runtime/services.server";

export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { shop } = await requireShop(request);
  const overview = await segmentOverview(db, shop.id, params.id ?? "", clock.now());
  if (!overview) notFound("Segment");
  const after = new URL(request.url).searchParams.get("after");
  const members = await segmentMembers(db, shop.id, overview.segment.id, after);
  return {
    ...overview,
    ...members,
    smallBelow: SMALL_SEGMENT_SUBSCRIBERS,
    timeZone: shop.ianaTimezone,
  };
};

export const action = async ({ request, params }: ActionFunctionArgs) => {
  const { shop } = await requireShop(request); // the development login rebuilds the request, which would consume this one's body
  const segment = await findSegment(db, shop.id, params.id ?? "");
  if (!segment || segment.kind !== "CUSTOM") notFound("Segment");
  const form = await request.formData();
  if (form.get("intent") !== "archive") badRequest("Unknown action");
  await archiveSegment(db, shop.id, segment.id, clock.now());
  return redirect("/app/segments");
};

const CAUSES: Record<string, string> = {
  webhook: "Store activity",
  time: "Time passed",
  definition: "Segment created or edited",
  consent: "Consent changed",
  click: "Clicked a link",
};

export default function SegmentPage() {
  const d = useLoaderData<typeof loader>();
  const s = d.segment;
  // Counts over a big segment come from a sample of its members (admin/segments.server.ts).
  const about = d.approximate ? "about " : "";
  const navigate = useNavigate();
  const submit = useSubmit();
  const [params] = useSearchParams();
  const [confirmArchive, setConfirmArchive] = useState(false);
  usePollWhile(!!s.backfill);
  const custom = s.kind === "CUSTOM";

  return (
    <Page
      title={s.name}
      titleMetadata={<KindBadge kind={s.kind} />}
      subtitle={s.description ?? undefined}
      backAction={{ content: "Segments", url: "/app/segments" }}
      primaryAction={custom ? { content: "Edit", url: `/app/segments/${s.id}/edit` } : undefined}
      secondaryActions={
        custom
          ? [
              {
                content: "Archive",
                destructive: true,
                onAction: () => setConfirmArchive(true),
              },
            ]
          : []
      }
    >
      <Layout>
        {d.small ? (
          <Layout.Section>
            <Banner tone="warning" title={`Fewer than ${d.smallBelow} SMS subscribers`}>
              <p>
                A text to this segment reaches too few shoppers for its click and order rates to mean much. Consider
                widening its conditions.
              </p>
            </Banner>
          </Layout.Section>
        ) : null}
        <Layout.Section>
          <SectionCard title="Who is in it">
            <Text as="p">{`Customers who ${s.words}.`}</Text>
            <InlineStack gap="600">
              <Stat label="Members" value={formatCount(s.memberCount)} />
              <Stat label="SMS subscribers" value={`${about}${formatCount(d.subscribers)}`} />
            </InlineStack>
            {s.backfill ? <BackfillProgress {...s.backfill} /> : null}
            {!custom ? (
              <Text as="p" variant="bodySm" tone="subdued">
                Built-in segments are kept by the app; their thresholds follow your settings.
              </Text>
            ) : null}
          </SectionCard>
        </Layout.Section>
        <Layout.Section>
          <SectionCard title={`Entries and exits, last ${d.history.length} days`}>
            <HistoryChart history={d.history} />
          </SectionCard>
        </Layout.Section>
        <Layout.Section>
          <Card padding="0">
            {d.members.length === 0 ? (
              <EmptyState heading="No members yet" image="">
                <p>
                  {s.backfill
                    ? "Existing customers are still being evaluated."
                    : "Customers join as soon as they match; store activity keeps this current."}
                </p>
              </EmptyState>
            ) : (
              <>
                <IndexTable
                  resourceName={{ singular: "member", plural: "members" }}
                  itemCount={d.members.length}
                  selectable={false}
                  headings={[{ title: "Name" }, { title: "Phone" }, { title: "SMS consent" }, { title: "Entered" }]}
                >
                  {d.members.map((m, i) => (
                    <IndexTable.Row id={m.id} key={m.id} position={i}>
                      <IndexTable.Cell>{m.name}</IndexTable.Cell>
                      <IndexTable.Cell>{m.phone ?? "—"}</IndexTable.Cell>
                      <IndexTable.Cell>
                        <Badge tone={m.consent === "SUBSCRIBED" ? "success" : undefined}>
                          {m.consent.toLowerCase().replace("_", " ")}
                        </Badge>
                      </IndexTable.Cell>
                      <IndexTable.Cell>{formatDateTime(m.enteredAt, d.timeZone)}</IndexTable.Cell>
                    </IndexTable.Row>
                  ))}
                </IndexTable>
                {params.has("after") || d.nextCursor ? (
                  <InlineStack align="center">
                    <Pagination
                      hasPrevious={params.has("after")}
                      onPrevious={() => navigate(-1)}
                      hasNext={!!d.nextCursor}
                      onNext={() => navigate(`?after=${d.nextCursor}`)}
                    />
                  </InlineStack>
                ) : null}
              </>
            )}
          </Card>
        </Layout.Section>
        <Layout.Section variant="oneHalf">
          <TableCard
            title="Recent entries and exits"
            empty="Nobody has entered or left yet."
            headings={["Customer", "Change", "Why", "When"]}
            rows={d.events.map((e) => [
              e.customer,
              e.change === "ENTERED" ? "Entered" : "Left",
              CAUSES[e.cause] ?? e.cause,
              formatDateTime(e.at, d.timeZone),
            ])}
          />
        </Layout.Section>
        <Layout.Section variant="oneHalf">
          <TableCard
            title={
              d.approximate ? "Overlap with other segments (from a sample of members)" : "Overlap with other segments"
            }
            empty="No member of this segment is in another segment."
            headings={["Segment", "Shared members", "Share of this segment"]}
            numeric={[false, true, true]}
            rows={d.overlap.map((o) => [
              o.name,
              `${about}${formatCount(o.members)}`,
              formatPercent(s.memberCount ? o.members / s.memberCount : null, 0),
            ])}
          />
        </Layout.Section>
      </Layout>
      <Modal
        open={confirmArchive}
        onClose={() => setConfirmArchive(false)}
        title={`Archive ${s.name}?`}
        primaryAction={{
          content: "Archive",
          destructive: true,
          onAction: () => submit({ intent: "archive" }, { method: "post" }),
        }}
        secondaryActions={[{ content: "Cancel", onAction: () => setConfirmArchive(false) }]}
      >
        <Modal.Section>
          <p>
            The segment stops updating and its members are removed. Flows and campaigns using it will no longer find
            anyone.
          </p>
        </Modal.Section>
      </Modal>
    </Page>
  );
}

function TableCard({
  title,
  empty,
  headings,
  rows,
  numeric = [],
}: {
  title: string;
  empty: string;
  headings: string[];
  rows: string[][];
  numeric?: boolean[];
}) {
  return (
    <SectionCard title={title} gap="200">
      {rows.length === 0 ? (
        <Text as="p" tone="subdued">
          {empty}
        </Text>
      ) : (
        <DataTable
          columnContentTypes={headings.map((_, i) => (numeric[i] ? "numeric" : "text"))}
          headings={headings}
          rows={rows}
        />
      )}
    </SectionCard>
  );
}

function Stat({ label, value }: { label: string; value: string }) {
  return (
    <BlockStack gap="050">
      <Text as="span" tone="subdued">
        {label}
      </Text>
      <Text as="span" variant="headingLg">
        {value}
      </Text>
    </BlockStack>
  );
}

/** Polaris Viz measures the DOM, so the chart is drawn after hydration only. */
function HistoryChart({ history }: { history: { day: string; entered: number; left: number }[] }) {
  const [mounted, setMounted] = useState(false);
  useEffect(() => setMounted(true), []);
  if (!mounted) return <div style={{ height: 240 }} />;
  const series = (name: string, key: "entered" | "left") => ({
    name,
    data: history.map((h) => ({ key: h.day.slice(5), value: h[key] })),
  });
  return (
    <div style={{ height: 240 }}>
      <BarChart data={[series("Entered", "entered"), series("Left", "left")]} theme="Light" />
    </div>
  );
}
