import {
  BlockStack,
  Button,
  Card,
  ChoiceList,
  FormLayout,
  InlineStack,
  Select,
  Text,
  TextField,
} from "@shopify/polaris";
import type { FieldErrors } from "../../admin/campaigns.server";
import { formatCount } from "../../admin/format";
import { TEMPLATE_VARIABLES } from "../../messaging/template";
import type { ComposeDraft, When } from "./compose-draft";

/** Variables a campaign cannot fill: they belong to a checkout, a product or an order, not to a shopper. */
const EVENT_VARIABLES = ["checkout_url", "product_title", "product_url", "order_name"];

/** The compose form: name, segment, message with its SMS count and variables, and when to send. */
export function ComposeCard({
  draft,
  segments,
  timeZone,
  errors,
  submitting,
}: {
  draft: ComposeDraft;
  segments: { id: string; name: string; memberCount: number }[];
  timeZone: string;
  errors: FieldErrors;
  submitting: boolean;
}) {
  // A text field posting under its name, with its error; the draft keeps its value.
  const bind = (name: "name" | "scheduledAt") => ({
    name,
    value: draft[name],
    onChange: name === "name" ? draft.setName : draft.setScheduledAt,
    autoComplete: "off",
    error: errors[name],
  });
  return (
    <Card>
      <FormLayout>
        <TextField label="Campaign name" {...bind("name")} helpText="Only you see this." />
        <Select
          label="Segment"
          name="segmentId"
          options={[
            { label: "Choose a segment", value: "" },
            ...segments.map((s) => ({
              label: `${s.name} (${formatCount(s.memberCount)} members)`,
              value: s.id,
            })),
          ]}
          value={draft.segmentId}
          onChange={draft.setSegmentId}
          error={errors.segmentId}
        />
        <MessageField draft={draft} error={errors.body} />
        <ChoiceList
          title="When"
          name="when"
          choices={[
            { label: "Send now", value: "now" },
            { label: `Schedule (${timeZone} time)`, value: "schedule" },
          ]}
          selected={[draft.when]}
          onChange={(v) => draft.setWhen(v[0] as When)}
        />
        {draft.when === "schedule" ? (
          <TextField label={`Send at (${timeZone})`} type="datetime-local" {...bind("scheduledAt")} />
        ) : null}
        <Button submit variant="primary" loading={submitting}>
          {draft.when === "schedule" ? "Schedule campaign" : "Send now"}
        </Button>
      </FormLayout>
    </Card>
  );
}

function MessageField({ draft, error }: { draft: ComposeDraft; error: string | undefined }) {
  const { encoding, setBody } = draft;
  return (
    <BlockStack gap="200">
      <TextField
        label="Message"
        name="body"
        value={draft.body}
        onChange={setBody}
        multiline={4}
        autoComplete="off"
        error={error}
        helpText={`${encoding.characters} characters · ${encoding.encoding} · ${encoding.segments} SMS segment${encoding.segments === 1 ? "" : "s"} (${encoding.remaining} left in the last)${encoding.nonGsm.length ? ` · not GSM-7: ${encoding.nonGsm.join(" ")}` : ""}`}
      />
      <InlineStack gap="200" wrap>
        <Text as="span" tone="subdued">
          Insert:
        </Text>
        {TEMPLATE_VARIABLES.filter((v) => !EVENT_VARIABLES.includes(v)).map((v) => (
          <Button
            key={v}
            size="slim"
            onClick={() => setBody((b) => `${b}${b && !b.endsWith(" ") ? " " : ""}{{ ${v} }}`)}
          >
            {v}
          </Button>
        ))}
      </InlineStack>
    </BlockStack>
  );
}
