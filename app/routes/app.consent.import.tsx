import { type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { Banner, Layout, Page } from "@shopify/polaris";
import { z } from "zod";
import { requireShop } from "../admin/auth.server";
import { csvColumns, ImportForm, importOptions, MAX_IMPORT_BYTES } from "../admin/consent.server";
import { invalid } from "../admin/form-result";
import { fieldErrors, formFields } from "../field-errors";
import { importContacts, ImportError } from "../consent/import.server";
import db from "../db.server";
import { ColumnMappingCard } from "../components/consent/ColumnMappingCard";
import { useImportForm, type ImportState } from "../components/consent/import-state";
import { ImportReportCard } from "../components/consent/ImportReportCard";
import { UploadCard } from "../components/consent/UploadCard";
import { clock } from "../runtime/services.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await requireShop(request);
  // The checkout wording is the usual starting point for what imported contacts agreed to.
  return { wording: shop.settings.disclosureText ?? "", country: shop.countryCode ?? "" };
};

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
    const report = await importContacts({
      db,
      shopId: shop.id,
      csv,
      options: importOptions(parsed.data, dryRun),
      now: clock.now(),
    });
    return { step: dryRun ? "report" : "done", ...state, report } satisfies ImportState;
  } catch (error) {
    if (error instanceof z.ZodError) return invalid(fieldErrors(error), { step: "map", ...state });
    if (error instanceof ImportError) return invalid({ form: error.message }, { step: "map", ...state });
    throw error;
  }
};

export default function ImportContacts() {
  const defaults = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>() as ImportState | undefined;
  const errors = result?.errors ?? {};
  const busy = useNavigation().state !== "idle";
  const form = useImportForm(result);
  const report = result?.report;

  return (
    <Page title="Import contacts" backAction={{ content: "Consent", url: "/app/consent" }}>
      <form ref={form.formRef} method="post" encType="multipart/form-data" onSubmit={(e) => e.preventDefault()}>
        <Layout>
          {errors.form && (
            <Layout.Section>
              <Banner tone="critical" title="The file can't be imported like this">
                <p>{errors.form}</p>
              </Banner>
            </Layout.Section>
          )}
          {(result?.step ?? "upload") === "upload" ? (
            <Layout.Section>
              <UploadCard form={form} error={errors.csv} busy={busy} />
            </Layout.Section>
          ) : (
            <>
              <input type="hidden" name="csv" value={result?.csv ?? ""} />
              <input type="hidden" name="fileName" value={result?.fileName ?? ""} />
              <Layout.Section>
                <ColumnMappingCard result={result} form={form} defaults={defaults} errors={errors} busy={busy} />
              </Layout.Section>
              {report && <ImportReportCard report={report} busy={busy} onImport={() => form.send("import")} />}
            </>
          )}
        </Layout>
      </form>
    </Page>
  );
}
