import { Banner, BlockStack, Button, Card, DataTable, InlineStack, Layout } from "@shopify/polaris";
import type { ImportReport } from "../../consent/import.server";

/** The dry run (how many rows can be imported, each problem row) or the import's result. */
export function ImportReportCard({
  report,
  busy,
  onImport,
}: {
  report: ImportReport;
  busy: boolean;
  onImport: () => void;
}) {
  const valid = report.rows - report.invalidPhone.length - report.noConsent.length - report.duplicates.length;
  const problems = [
    ...report.invalidPhone.map((p) => ({ row: p.row, problem: "Invalid number", detail: p.reason })),
    ...report.noConsent.map((p) => ({
      row: p.row,
      problem: "No consent",
      detail: p.reason === "no consent" ? "the consent column does not say yes" : p.reason,
    })),
    ...report.duplicates.map((p) => ({ row: p.row, problem: "Duplicate", detail: `same number as row ${p.firstRow}` })),
  ].sort((a, b) => a.row - b.row);
  return (
    <Layout.Section>
      <Card>
        <BlockStack gap="300">
          {report.dryRun ? (
            <Banner
              tone={valid ? "info" : "warning"}
              title={`Dry run: ${valid} of ${report.rows} rows can be imported`}
            >
              <p>Nothing has been written yet. Rows with problems are skipped.</p>
            </Banner>
          ) : (
            <Banner
              tone="success"
              title={`Imported ${report.imported} contacts`}
              action={{ content: "See them in the ledger", url: "/app/consent?source=IMPORT" }}
            >
              <p>Their consent is in the ledger with source “Import”, the wording and the file row as evidence.</p>
            </Banner>
          )}
          {problems.length > 0 && (
            <DataTable
              columnContentTypes={["numeric", "text", "text"]}
              headings={["Row", "Problem", "Detail"]}
              rows={problems.map((p) => [p.row, p.problem, p.detail])}
            />
          )}
          {report.dryRun && valid > 0 && (
            <InlineStack>
              <Button variant="primary" loading={busy} onClick={onImport}>
                {`Import ${valid} contacts`}
              </Button>
            </InlineStack>
          )}
        </BlockStack>
      </Card>
    </Layout.Section>
  );
}
