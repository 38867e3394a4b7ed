import { BlockStack, Box, Button, Card, InlineStack, Select, Text, TextField } from "@shopify/polaris";
import { DELAY_UNITS } from "../../flows/describe";
import type { PreviewSettings } from "../../messaging/preview";
import { nextVariantKey, type StepForm, type VariantForm } from "./editor-state";
import { TemplateEditor } from "./TemplateEditor";
import { assertUnreachable } from "../../assert-unreachable";

const TITLES: Record<StepForm["type"], string> = {
  send: "Send a text",
  wait: "Wait",
  wait_until: "Wait until a time of day",
  condition: "Condition",
};

interface Props {
  step: StepForm;
  index: number;
  count: number;
  onChange: (step: StepForm) => void;
  onMove: (by: -1 | 1) => void;
  onRemove: () => void;
  /** Field errors of this step, keyed by the rest of their path ("variants.0.body"). */
  errors: Record<string, string>;
  preview: PreviewSettings;
  currency: string;
}

/** An error that belongs to a group of fields rather than one (a TextField shows its own). */
export const FieldError = ({ message }: { message?: string }) =>
  message ? (
    <Text as="p" tone="critical">
      {message}
    </Text>
  ) : null;

/** One step of a flow, edited in place. */
export function StepEditor({ step, index, count, onChange, onMove, onRemove, errors, preview, currency }: Props) {
  return (
    <Card>
      <BlockStack gap="300">
        <InlineStack align="space-between" blockAlign="center">
          <Text as="h3" variant="headingSm">
            Step {index + 1}: {TITLES[step.type]}
          </Text>
          <InlineStack gap="100">
            <Button
              size="slim"
              disabled={index === 0}
              onClick={() => onMove(-1)}
              accessibilityLabel={`Move step ${index + 1} up`}
            >
              ↑
            </Button>
            <Button
              size="slim"
              disabled={index === count - 1}
              onClick={() => onMove(1)}
              accessibilityLabel={`Move step ${index + 1} down`}
            >
              ↓
            </Button>
            <Button
              size="slim"
              tone="critical"
              disabled={count === 1}
              onClick={onRemove}
              accessibilityLabel={`Remove step ${index + 1}`}
            >
              Remove
            </Button>
          </InlineStack>
        </InlineStack>
        <StepFields
          step={step}
          index={index}
          count={count}
          onChange={onChange}
          errors={errors}
          preview={preview}
          currency={currency}
        />
        <FieldError message={errors[""]} />
      </BlockStack>
    </Card>
  );
}

function StepFields({ step, index, count, onChange, errors, preview, currency }: Omit<Props, "onMove" | "onRemove">) {
  switch (step.type) {
    case "wait":
      return (
        <InlineStack gap="200" blockAlign="start">
          <Box minWidth="120px">
            <TextField
              label="Wait for"
              type="number"
              min={1}
              value={step.amount}
              onChange={(amount) => onChange({ ...step, amount })}
              autoComplete="off"
              error={errors["minutes"]}
            />
          </Box>
          <Select
            label="Unit"
            options={DELAY_UNITS.map((u) => ({ label: u.unit, value: u.unit }))}
            value={step.unit}
            onChange={(unit) => onChange({ ...step, unit: unit as typeof step.unit })}
          />
        </InlineStack>
      );
    case "wait_until":
      return (
        <Box maxWidth="200px">
          <TextField
            label="Until (shopper's local time)"
            type="time"
            value={step.time}
            onChange={(time) => onChange({ ...step, time })}
            autoComplete="off"
            error={errors["hour"] ?? errors["minute"]}
            helpText="The next time the shopper's clock shows this time."
          />
        </Box>
      );
    case "condition":
      return (
        <BlockStack gap="200">
          <TextField
            label="Continue only if the shopper matches (segment condition, JSON)"
            value={step.condition}
            onChange={(condition) => onChange({ ...step, condition })}
            multiline={4}
            monospaced
            autoComplete="off"
            error={errors["condition"]}
            helpText='For example {"type": "orders_count", "op": "eq", "value": 1} — the same conditions as segments.'
          />
          <Select
            label="Otherwise"
            options={[
              { label: "Stop the flow", value: "exit" },
              ...Array.from({ length: count }, (_, i) => i)
                .filter((i) => i !== index)
                .map((i) => ({ label: `Go to step ${i + 1}`, value: String(i) })),
            ]}
            value={String(step.otherwise)}
            onChange={(v) => onChange({ ...step, otherwise: v === "exit" ? "exit" : Number(v) })}
            error={errors["otherwise"]}
          />
        </BlockStack>
      );
    case "send":
      return (
        <VariantsEditor
          variants={step.variants}
          stepIndex={index}
          onChange={(variants) => onChange({ ...step, variants })}
          errors={errors}
          preview={preview}
          currency={currency}
        />
      );
    default:
      return assertUnreachable(step, "step type");
  }
}

function VariantsEditor(props: {
  variants: VariantForm[];
  stepIndex: number;
  onChange: (v: VariantForm[]) => void;
  errors: Record<string, string>;
  preview: PreviewSettings;
  currency: string;
}) {
  const { variants, stepIndex, onChange, errors, preview, currency } = props;
  const update = (i: number, patch: Partial<VariantForm>) =>
    onChange(variants.map((v, j) => (j === i ? { ...v, ...patch } : v)));
  const split = variants.length > 1;
  const totalWeight = variants.reduce((s, v) => s + (Number(v.weight) || 0), 0);
  return (
    <BlockStack gap="400">
      {variants.map((v, i) => (
        <BlockStack key={i} gap="200">
          {split && (
            <InlineStack gap="200" blockAlign="end">
              <Box maxWidth="90px">
                <TextField
                  label="Variant"
                  value={v.key}
                  onChange={(key) => update(i, { key })}
                  autoComplete="off"
                  error={errors[`variants.${i}.key`]}
                />
              </Box>
              <Box maxWidth="110px">
                <TextField
                  label="Weight"
                  type="number"
                  value={v.weight}
                  onChange={(weight) => update(i, { weight })}
                  autoComplete="off"
                  error={errors[`variants.${i}.weight`]}
                />
              </Box>
              <Text as="span" tone="subdued">
                {totalWeight > 0 ? `${Math.round(((Number(v.weight) || 0) / totalWeight) * 100)}% of shoppers` : ""}
              </Text>
              <Button tone="critical" variant="plain" onClick={() => onChange(variants.filter((_, j) => j !== i))}>
                Remove variant {v.key}
              </Button>
            </InlineStack>
          )}
          <TemplateEditor
            id={`step-${stepIndex}-variant-${i}`}
            label={split ? `Text for variant ${v.key}` : "Text"}
            value={v.body}
            onChange={(body) => update(i, { body })}
            error={errors[`variants.${i}.body`]}
            preview={preview}
            currency={currency}
          />
        </BlockStack>
      ))}
      <FieldError message={errors["variants"]} />
      {variants.length < 4 && (
        <InlineStack>
          <Button
            onClick={() =>
              onChange([...variants, { key: nextVariantKey(variants), weight: "1", body: variants[0]?.body ?? "" }])
            }
          >
            {split ? "Add another variant" : "A/B test this text"}
          </Button>
        </InlineStack>
      )}
    </BlockStack>
  );
}
