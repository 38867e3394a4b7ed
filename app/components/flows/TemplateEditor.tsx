import { Banner, BlockStack, Box, Button, InlineStack, Text, TextField } from "@shopify/polaris";
import { formatMoney } from "../../admin/format";
import { previewMessage, type PreviewSettings } from "../../messaging/preview";
import { TEMPLATE_VARIABLES } from "../../messaging/template";

interface Props {
  id: string;
  label: string;
  value: string;
  onChange: (value: string) => void;
  error?: string;
  preview: PreviewSettings;
  currency: string;
}

/**
 * A message template with a variable picker and a live preview: the text the sample
 * shopper would get (with the sender name, opt-out text and short links dispatch adds),
 * its length, SMS segments, encoding and cost.
 */
export function TemplateEditor({ id, label, value, onChange, error, preview, currency }: Props) {
  const shown = previewMessage(value, preview);
  const { sms } = shown;
  // Insert at the cursor (the textarea keeps its selection while a button is clicked).
  const insert = (name: string) => {
    const token = `{{ ${name} }}`;
    const area = typeof document === "undefined" ? null : (document.getElementById(id) as HTMLTextAreaElement | null);
    const at = area?.selectionStart ?? value.length;
    const end = area?.selectionEnd ?? at;
    onChange(value.slice(0, at) + token + value.slice(end));
  };
  return (
    <BlockStack gap="300">
      <TextField
        id={id}
        label={label}
        value={value}
        onChange={onChange}
        multiline={3}
        autoComplete="off"
        error={error}
      />
      <InlineStack gap="200" blockAlign="center">
        <Text as="span" variant="bodySm" tone="subdued">
          Insert:
        </Text>
        {TEMPLATE_VARIABLES.map((name) => (
          <Button key={name} size="slim" onClick={() => insert(name)} accessibilityLabel={`Insert ${name}`}>
            {`{{ ${name} }}`}
          </Button>
        ))}
      </InlineStack>
      <Box background="bg-surface-secondary" padding="300" borderRadius="200">
        <BlockStack gap="200">
          <Text as="h4" variant="headingSm">
            Preview for a sample shopper (Ava), first text
          </Text>
          <div data-testid="template-preview" style={{ whiteSpace: "pre-wrap", overflowWrap: "anywhere" }}>
            <Text as="p">{shown.body || "—"}</Text>
          </div>
          <Text as="p" variant="bodySm" tone="subdued">
            <span data-testid="sms-counter">
              {sms.characters} characters · {sms.segments} SMS segment{sms.segments === 1 ? "" : "s"} · {sms.encoding} ·{" "}
              {sms.remaining} left in this segment · about {formatMoney(shown.cost, currency)} per shopper
            </span>
          </Text>
          <Text as="p" variant="bodySm" tone="subdued">
            Added when sent: “{preview.senderName}:” at the start, “Reply STOP to opt out.” on a shopper’s first text,
            and links become short tracked links.
          </Text>
        </BlockStack>
      </Box>
      {sms.encoding === "UCS-2" && (
        <Banner tone="warning" title="This text is sent as UCS-2">
          <p>
            {sms.nonGsm.map((c) => `“${c}”`).join(", ")} {sms.nonGsm.length === 1 ? "isn't" : "aren't"} in the GSM-7
            alphabet, so each segment holds 70 characters instead of 160. Replace{" "}
            {sms.nonGsm.length === 1 ? "it" : "them"} to send fewer segments.
          </p>
        </Banner>
      )}
      {shown.unknownVariables.length > 0 && (
        <Banner tone="critical">
          <p>
            Unknown variable{shown.unknownVariables.length === 1 ? "" : "s"}: {shown.unknownVariables.join(", ")}. They
            would print nothing.
          </p>
        </Banner>
      )}
    </BlockStack>
  );
}
