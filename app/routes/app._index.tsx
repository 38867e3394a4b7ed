import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { Layout, Page } from "@shopify/polaris";
import { requireShop } from "../admin/auth.server";
import { dashboard, periodOf } from "../admin/dashboard.server";
import db from "../db.server";
import { BusiestSegmentsCard } from "../components/dashboard/BusiestSegmentsCard";
import { ChecklistCard } from "../components/dashboard/ChecklistCard";
import { DailyCharts } from "../components/dashboard/DailyCharts";
import { NumbersCard } from "../components/dashboard/NumbersCard";
import { SyncProgress } from "../components/SyncProgress";
import { usePollWhile } from "../components/usePollWhile";
import { clock } from "../runtime/services.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await requireShop(request);
  return dashboard({ db, shop, days: periodOf(new URL(request.url)), now: clock.now() });
};

export default function Home() {
  const data = useLoaderData<typeof loader>();
  const syncing = data.sync?.status === "RUNNING" || data.sync?.status === "SEGMENTS";
  usePollWhile(syncing);
  return (
    <Page title="Home">
      <Layout>
        {data.sync && (syncing || data.sync.status === "FAILED") && (
          <Layout.Section>
            <SyncProgress report={data.sync} />
          </Layout.Section>
        )}
        {data.checklist.some((s) => !s.done) && (
          <Layout.Section>
            <ChecklistCard checklist={data.checklist} />
          </Layout.Section>
        )}
        <Layout.Section>
          <NumbersCard numbers={data.numbers} days={data.days} currency={data.currency} />
        </Layout.Section>
        <Layout.Section>
          <DailyCharts series={data.series} currency={data.currency} />
        </Layout.Section>
        <Layout.Section>
          <BusiestSegmentsCard segments={data.segments} days={data.days} />
        </Layout.Section>
      </Layout>
    </Page>
  );
}
