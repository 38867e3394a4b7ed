import { type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { useActionData, useLoaderData, useNavigation, useSubmit } from "@remix-run/react";
import {
  Banner,
  BlockStack,
  Button,
  Card,
  DataTable,
  FormLayout,
  InlineStack,
  Layout,
  Page,
  Select,
  Text,
  TextField,
} from "@shopify/polaris";
import { useRef, useState } from "react";
import { z } from "zod";
import { requireShop } from "../admin/auth.server";
import { csvColumns, ImportForm, importOptions, MAX_IMPORT_BYTES } from "../admin/consent.server";
import { invalid } from "../admin/form-result";
import { fieldErrors, formFields, type FieldErrors } from "../field-errors";
import { importContacts, ImportError, type ImportReport } from "../consent/import.server";
import db from "../db.server";
import { SectionCard } from "../components/SectionCard";
import { clock } from "../runtime/services.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await requireShop(request);
  // The checkout wording is the usual starting point for what imported contacts agreed to.
  return { wording: shop.settings.disclosureText ?? "", country: shop.countryCode ?? "" };
};

type Step = "upload" | "map" | "report" | "done";
interface ImportState {
  step: Step;
  csv?: string;
  fileName?: string;
  headers?: string[];
  values?: Record<string, string>;
  report?: ImportReport;
  errors?: FieldErrors;
}

/**
 * Three steps, one action: "columns" reads the file's header row and guesses the mapping;
 * "dryRun" checks every row (nothing written); "import" writes the valid rows in one
 * transaction. The file's text travels with the form between steps.
 */
export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop } = await requireShop(request);
  const form = await request.formData();
  const fields = formFields(form);
  const upload = form.get("file");
  if (upload instanceof File && upload.size > 0) {
    if (upload.size > MAX_IMPORT_BYTES)
      return invalid({ csv: "The file is larger than 5 MB: split it" }, { step: "upload" });
    Object.assign(fields, { csv: await upload.text(), fileName: upload.name });
  }
  const { csv = "", fileName } = fields;
  let headers: string[];
  try {
    headers = csv.trim() ? csvColumns(csv).headers : [];
  } catch (error) {
    return invalid({ csv: `This is not a CSV file we can read: ${(error as Error).message}` }, { step: "upload" });
  }
  if (!headers.length)
    return invalid({ csv: "Choose a CSV file (with a header row) or paste its contents" }, { step: "upload" });
  if (fields.intent === "columns")
    return { step: "map", csv, fileName, headers, values: csvColumns(csv).guess } satisfies ImportState;

  const state = { csv, fileName, headers, values: fields };
  const parsed = ImportForm.safeParse(fields);
  if (!parsed.success) return invalid(fieldErrors(parsed.error), { step: "map", ...state });
  const dryRun = fields.intent !== "import";
  try {
    const report = await importContacts(db, shop.id, csv, importOptions(parsed.data, dryRun), clock.now());
    return { step: dryRun ? "report" : "done", ...state, report } satisfies ImportState;
  } catch (error) {
    if (error instanceof z.ZodError) return invalid(fieldErrors(error), { step: "map", ...state });
    if (error instanceof ImportError) return invalid({ form: error.message }, { step: "map", ...state });
    throw error;
  }
};

const MAPPED = [
  { key: "phone", label: "Phone number", required: true },
  { key: "consent", label: "Consented (yes / no)", required: true },
  { key: "consentAt", label: "Date of consent", required: true },
  { key: "firstName", label: "First name" },
  { key: "lastName", label: "Last name" },
  { key: "email", label: "Email" },
  { key: "wordingColumn", label: "Wording each contact saw" },
] as const;

export default function ImportContacts() {
  const defaults = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>() as ImportState | undefined;
  const step: Step = result?.step ?? "upload";
  const errors = result?.errors ?? {};
  const busy = useNavigation().state !== "idle";
  const submit = useSubmit();
  const formRef = useRef<HTMLFormElement>(null);
  const send = (intent: string) => {
    const form = new FormData(formRef.current!);
    form.set("intent", intent);
    submit(form, { method: "post", encType: "multipart/form-data" });
  };
  const [pasted, setPasted] = useState("");
  const [values, setValues] = useState<Record<string, string>>({});
  // Values from the last answer, overridden by what the merchant changed since.
  const value = (key: string, fallback = "") => values[key] ?? result?.values?.[key] ?? fallback;
  const set = (key: string) => (v: string) => setValues((current) => ({ ...current, [key]: v }));
  const report = result?.report;
  const columns = [{ label: "—", value: "" }, ...(result?.headers ?? []).map((h) => ({ label: h, value: h }))];

  return (
    <Page title="Import contacts" backAction={{ content: "Consent", url: "/app/consent" }}>
      <form ref={formRef} method="post" encType="multipart/form-data" onSubmit={(e) => e.preventDefault()}>
        <Layout>
          {errors.form && (
            <Layout.Section>
              <Banner tone="critical" title="The file can't be imported like this">
                <p>{errors.form}</p>
              </Banner>
            </Layout.Section>
          )}
          {step === "upload" ? (
            <Layout.Section>
              <Card>
                <BlockStack gap="300">
                  <Text as="p">
                    Import subscribers who already agreed to receive texts, with the date they agreed. Every row is
                    checked first; nothing is written until you confirm.
                  </Text>
                  <label htmlFor="import-file">
                    <Text as="span" variant="headingSm">
                      CSV file
                    </Text>
                  </label>
                  <input id="import-file" type="file" name="file" accept=".csv,text/csv" />
                  <TextField
                    label="…or paste the CSV"
                    name="csv"
                    value={pasted}
                    onChange={setPasted}
                    multiline={6}
                    autoComplete="off"
                    error={errors.csv}
                  />
                  <InlineStack>
                    <Button variant="primary" loading={busy} onClick={() => send("columns")}>
                      Continue
                    </Button>
                  </InlineStack>
                </BlockStack>
              </Card>
            </Layout.Section>
          ) : (
            <>
              <input type="hidden" name="csv" value={result?.csv ?? ""} />
              <input type="hidden" name="fileName" value={result?.fileName ?? ""} />
              <Layout.Section>
                <SectionCard title={`Columns of ${result?.fileName || "the pasted file"}`}>
                  <FormLayout>
                    <FormLayout.Group condensed>
                      {MAPPED.map((m) => (
                        <Select
                          key={m.key}
                          name={m.key}
                          label={m.label}
                          options={columns}
                          value={value(m.key)}
                          onChange={set(m.key)}
                          error={errors[m.key]}
                          requiredIndicator={"required" in m}
                        />
                      ))}
                    </FormLayout.Group>
                    <TextField
                      label="Consent wording the contacts agreed to"
                      name="wording"
                      helpText="Recorded in the ledger as the wording shown (unless a column holds it per contact)."
                      value={value("wording", defaults.wording)}
                      onChange={set("wording")}
                      multiline={3}
                      autoComplete="off"
                      error={errors.wording}
                    />
                    <TextField
                      label="Country for numbers without a country code"
                      name="defaultCountry"
                      value={value("defaultCountry", defaults.country)}
                      onChange={set("defaultCountry")}
                      autoComplete="off"
                      maxLength={2}
                      error={errors.defaultCountry}
                    />
                  </FormLayout>
                  <InlineStack gap="200">
                    <Button
                      onClick={() => send("dryRun")}
                      loading={busy}
                      variant={step === "map" ? "primary" : undefined}
                    >
                      Check the file (dry run)
                    </Button>
                    <Button url="/app/consent/import">Choose another file</Button>
                  </InlineStack>
                </SectionCard>
              </Layout.Section>
              {report && <ImportReportCard report={report} busy={busy} onImport={() => send("import")} />}
            </>
          )}
        </Layout>
      </form>
    </Page>
  );
}

function ImportReportCard({ report, busy, onImport }: { report: ImportReport; busy: boolean; onImport: () => void }) {
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
