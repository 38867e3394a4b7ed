import type { ImportForm } from "./import-state";
import { BlockStack, Button, Card, InlineStack, Text, TextField } from "@shopify/polaris";

/** Step one: a CSV file, or its text pasted. */
export function UploadCard({ form, error, busy }: { form: ImportForm; error: string | undefined; busy: boolean }) {
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="p">
          Import subscribers who already agreed to receive texts, with the date they agreed. Every row is checked first;
          nothing is written until you confirm.
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
          value={form.pasted}
          onChange={form.setPasted}
          multiline={6}
          autoComplete="off"
          error={error}
        />
        <InlineStack>
          <Button variant="primary" loading={busy} onClick={() => form.send("columns")}>
            Continue
          </Button>
        </InlineStack>
      </BlockStack>
    </Card>
  );
}
