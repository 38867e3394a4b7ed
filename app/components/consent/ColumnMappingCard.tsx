import { Button, FormLayout, InlineStack, Select, TextField } from "@shopify/polaris";
import type { FieldErrors } from "../../field-errors";
import { SectionCard } from "../SectionCard";
import type { ImportForm, ImportState } from "./import-state";

const MAPPED = [
  { key: "phone", label: "Phone number", required: true },
  { key: "consent", label: "Consented (yes / no)", required: true },
  { key: "consentAt", label: "Date of consent", required: true },
  { key: "firstName", label: "First name" },
  { key: "lastName", label: "Last name" },
  { key: "email", label: "Email" },
  { key: "wordingColumn", label: "Wording each contact saw" },
] as const;

/** Step two: which column holds what, the wording they agreed to, the country for local numbers; then a dry run. */
export function ColumnMappingCard({
  result,
  form,
  defaults,
  errors,
  busy,
}: {
  result: ImportState | undefined;
  form: ImportForm;
  defaults: { wording: string; country: string };
  errors: FieldErrors;
  busy: boolean;
}) {
  const { value, set } = form;
  const columns = [{ label: "—", value: "" }, ...(result?.headers ?? []).map((h) => ({ label: h, value: h }))];
  return (
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
          onClick={() => form.send("dryRun")}
          loading={busy}
          variant={result?.step === "map" ? "primary" : undefined}
        >
          Check the file (dry run)
        </Button>
        <Button url="/app/consent/import">Choose another file</Button>
      </InlineStack>
    </SectionCard>
  );
}
