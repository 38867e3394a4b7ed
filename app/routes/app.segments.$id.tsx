import { useState } from "react";
import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData, useSubmit } from "@remix-run/react";
import { Banner, Layout, Page } from "@shopify/polaris";
import { badRequest } from "../admin/form-result";
import { notFound, requireShop } from "../admin/auth.server";
import { segmentMembers } from "../admin/segments/members.server";
import { findSegment, segmentOverview } from "../admin/segments/overview.server";
import { SMALL_SEGMENT_SUBSCRIBERS } from "../admin/segments/small.server";
import { archiveSegment } from "../segments/manage.server";
import db from "../db.server";
import { ArchiveSegmentModal } from "../components/segments/ArchiveSegmentModal";
import { HistoryChart } from "../components/segments/HistoryChart";
import { MemberTable } from "../components/segments/MemberTable";
import { KindBadge } from "../components/segments/SegmentBadges";
import { SegmentSummaryCard } from "../components/segments/SegmentSummaryCard";
import { OverlapCard, RecentChangesCard } from "../components/segments/SegmentTables";
import { SectionCard } from "../components/SectionCard";
import { usePollWhile } from "../components/usePollWhile";
import { clock } from "../runtime/services.server";

export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { shop } = await requireShop(request);
  const overview = await segmentOverview({ db, shopId: shop.id, id: params.id ?? "", now: clock.now() });
  if (!overview) notFound("Segment");
  const after = new URL(request.url).searchParams.get("after");
  const members = await segmentMembers({ db, shopId: shop.id, segmentId: overview.segment.id, after });
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
  await archiveSegment({ db, shopId: shop.id, segmentId: segment.id, now: clock.now() });
  return redirect("/app/segments");
};

export default function SegmentPage() {
  const d = useLoaderData<typeof loader>();
  const s = d.segment;
  const submit = useSubmit();
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
          {/* Counts over a big segment come from a sample of its members (admin/segments/member-sample.server.ts). */}
          <SegmentSummaryCard segment={s} subscribers={d.subscribers} about={d.approximate ? "about " : ""} />
        </Layout.Section>
        <Layout.Section>
          <SectionCard title={`Entries and exits, last ${d.history.length} days`}>
            <HistoryChart history={d.history} />
          </SectionCard>
        </Layout.Section>
        <Layout.Section>
          <MemberTable members={d.members} nextCursor={d.nextCursor} backfilling={!!s.backfill} timeZone={d.timeZone} />
        </Layout.Section>
        <Layout.Section variant="oneHalf">
          <RecentChangesCard events={d.events} timeZone={d.timeZone} />
        </Layout.Section>
        <Layout.Section variant="oneHalf">
          <OverlapCard overlap={d.overlap} memberCount={s.memberCount} approximate={d.approximate} />
        </Layout.Section>
      </Layout>
      <ArchiveSegmentModal
        name={s.name}
        open={confirmArchive}
        onClose={() => setConfirmArchive(false)}
        onArchive={() => submit({ intent: "archive" }, { method: "post" })}
      />
    </Page>
  );
}
