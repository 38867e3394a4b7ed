import { BlockStack, Card, Text, TextField } from "@shopify/polaris";

/** The flow's name (editable), what starts it and how fresh that signal is. */
export function FlowSummaryCard({
  name,
  onNameChange,
  nameError,
  trigger,
  freshness,
}: {
  name: string;
  onNameChange: (name: string) => void;
  nameError: string | undefined;
  trigger: string;
  freshness: string;
}) {
  return (
    <Card>
      <BlockStack gap="300">
        <TextField label="Name" value={name} onChange={onNameChange} autoComplete="off" error={nameError} />
        <Text as="p">
          <strong>Starts when:</strong> {trigger}.
        </Text>
        <Text as="p" tone="subdued">
          {freshness}
        </Text>
      </BlockStack>
    </Card>
  );
}
