import { Badge, BlockStack, FormLayout, InlineStack, Text } from "@shopify/polaris";
import type { rulesInForce } from "../../admin/settings.server";
import { errorsFor, Field, FormSection, Section, type FieldProps, type SectionProps } from "./settings-form";

interface Rules {
  senderName: string;
  quietStart: string;
  quietEnd: string;
  frequencyCapCount: string;
  frequencyCapHours: string;
  attributionClickDays: string;
  attributionSendHours: string;
}

type RuleField = Pick<FieldProps, "label" | "type"> & { name: keyof Rules };

/** The paired fields, side by side: quiet hours, the frequency cap, then (under their heading) attribution. */
const LIMIT_PAIRS: [RuleField, RuleField][] = [
  [
    { name: "quietStart", label: "Quiet hours start", type: "time" },
    { name: "quietEnd", label: "Quiet hours end", type: "time" },
  ],
  [
    { name: "frequencyCapCount", label: "At most this many marketing texts", type: "number" },
    { name: "frequencyCapHours", label: "…per this many hours", type: "number" },
  ],
];
const ATTRIBUTION_PAIR: [RuleField, RuleField] = [
  { name: "attributionClickDays", label: "Credit an order to a click within (days)", type: "number" },
  { name: "attributionSendHours", label: "…or to a text sent within (hours)", type: "number" },
];

/** Sender name, quiet hours, frequency cap and attribution windows. */
export function SendingRulesSection({
  rules,
  defaultSender,
  timeZone,
  outcome,
  busy,
}: SectionProps & { rules: Rules; defaultSender: string; timeZone: string }) {
  const errors = errorsFor(outcome, "rules");
  const pair = (fields: [RuleField, RuleField]) => (
    <FormLayout.Group condensed key={fields[0].name}>
      {fields.map((f) => (
        <Field key={f.name} {...f} initial={rules[f.name]} error={errors[f.name]} />
      ))}
    </FormLayout.Group>
  );
  return (
    <FormSection
      intent="rules"
      title="Sending rules"
      description={`Checked when each text is about to go. Quiet hours are in each shopper's time zone (your shop's, ${timeZone}, when unknown).`}
      submit={{ label: "Save sending rules", primary: true }}
      outcome={outcome}
      busy={busy}
    >
      <Field
        name="senderName"
        label="Sender name"
        initial={rules.senderName}
        helpText={`Starts every text. Empty: “${defaultSender}”.`}
        error={errors.senderName}
      />
      {LIMIT_PAIRS.map(pair)}
      <Text as="h3" variant="headingSm">
        Attribution windows
      </Text>
      {pair(ATTRIBUTION_PAIR)}
    </FormSection>
  );
}

/** What the law sets per country or state, with the limit in force for this shop. */
export function RulesInForceSection({ rules }: { rules: ReturnType<typeof rulesInForce> }) {
  return (
    <Section
      title="Rules in force"
      description="What the law sets per country or state, applied at send time on top of your settings: where your settings are looser, the law's limit is used."
    >
      {rules.map((r) => (
        <BlockStack key={`${r.place}:${r.rule}`} gap="100">
          <InlineStack gap="300" wrap={false} blockAlign="start">
            <Badge>{r.place}</Badge>
            <Text as="p">{r.rule}</Text>
          </InlineStack>
          {r.inForce && (
            <Text as="p" fontWeight="semibold">
              In force for your shop: {r.inForce}
            </Text>
          )}
          <Text as="p" tone="subdued" variant="bodySm">
            {r.source}
          </Text>
        </BlockStack>
      ))}
    </Section>
  );
}
