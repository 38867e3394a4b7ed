import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { Layout, Page } from "@shopify/polaris";
import { notFound, requireShop } from "../admin/auth.server";
import { consentCounts, consentSubject, ledgerFilterOf, ledgerPage } from "../admin/consent.server";
import { ConsentCountCards } from "../components/consent/ConsentCounts";
import { LedgerTable } from "../components/consent/LedgerTable";
import { SubjectCard } from "../components/consent/SubjectCard";
import { useCsvExport } from "../components/consent/use-csv-export";
import db from "../db.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await requireShop(request);
  const url = new URL(request.url);
  const filter = ledgerFilterOf(url);
  const subject = filter.customer ? await consentSubject(db, shop.id, filter.customer) : null;
  if (filter.customer && !subject) notFound("Customer");
  const [page, counts] = await Promise.all([
    ledgerPage({ db, shopId: shop.id, filter, url }),
    consentCounts(db, shop.id),
  ]);
  return { filter, subject, page, counts, timeZone: shop.ianaTimezone };
};

export default function ConsentLedger() {
  const { filter, subject, page, counts, timeZone } = useLoaderData<typeof loader>();
  const { exportCsv, exporting } = useCsvExport();
  return (
    <Page
      title="Consent"
      subtitle="Every opt-in and opt-out, with the wording shown and the evidence"
      primaryAction={{ content: "Import contacts", url: "/app/consent/import" }}
      secondaryActions={[{ content: "Export CSV", onAction: exportCsv, loading: exporting }]}
    >
      <Layout>
        <Layout.Section>
          <ConsentCountCards counts={counts} />
        </Layout.Section>
        {subject && (
          <Layout.Section>
            <SubjectCard subject={subject} timeZone={timeZone} />
          </Layout.Section>
        )}
        <Layout.Section>
          <LedgerTable filter={filter} page={page} narrowed={!!subject} timeZone={timeZone} />
        </Layout.Section>
      </Layout>
    </Page>
  );
}
