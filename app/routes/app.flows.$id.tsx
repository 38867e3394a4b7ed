import { type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { useFetcher, useLoaderData } from "@remix-run/react";
import { useEffect, useMemo, useState } from "react";
import {
  Badge,
  Banner,
  BlockStack,
  Button,
  Card,
  Checkbox,
  InlineStack,
  Layout,
  Page,
  Text,
  TextField,
} from "@shopify/polaris";
import { notFound, requireShop } from "../admin/auth.server";
import { flowForEditor } from "../admin/flows.server";
import db from "../db.server";
import { ExitSchema, stepShape, type Exit } from "../flows/definition";
import { EXIT_LABELS } from "../flows/describe";
import { saveFlow } from "../flows/manage.server";
import { invalid } from "../admin/form-result";
import type { FieldErrors } from "../field-errors";
import { editPayload, NEW_STEPS, toStepForm, type FlowForm, type StepForm } from "../components/flows/editor-state";
import { FieldError, StepEditor } from "../components/flows/StepEditor";
import { SectionCard } from "../components/SectionCard";
import { clock } from "../runtime/services.server";

export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { shop } = await requireShop(request);
  return (await flowForEditor(shop, params.id ?? "")) ?? notFound("Flow");
};

/** The editor posts its whole state as JSON in one field; the flow schema validates it. */
export const action = async ({ request, params }: ActionFunctionArgs) => {
  const { shop } = await requireShop(request);
  const form = await request.formData();
  let payload: unknown;
  try {
    payload = JSON.parse(String(form.get("payload") ?? ""));
  } catch {
    return invalid({ form: "The form could not be read; reload the page and try again." });
  }
  const result = await saveFlow(db, shop.id, params.id ?? "", payload, clock.now());
  if (!result.ok) return result.status === 404 ? notFound("Flow") : invalid(result.errors, {}, result.status);
  return { saved: result };
};

const STEP_BUTTONS: { type: StepForm["type"]; label: string }[] = [
  { type: "send", label: "Add text" },
  { type: "wait", label: "Add delay" },
  { type: "wait_until", label: "Add wait until time" },
  { type: "condition", label: "Add condition" },
];

export default function FlowEditor() {
  const { flow, trigger, freshness, activeRuns, preview, currency } = useLoaderData<typeof loader>();
  const fetcher = useFetcher<typeof action>();
  const initial = useMemo<FlowForm>(
    () => ({
      name: flow.name,
      steps: flow.definition.steps.map(toStepForm),
      exitConditions: flow.definition.exitConditions,
    }),
    [flow],
  );
  const [form, setForm] = useState(initial);
  useEffect(() => setForm(initial), [initial]); // a save reloads the flow at its new version

  const result = fetcher.data;
  const errors: FieldErrors = result && "errors" in result ? result.errors : {};
  const saved = result && "saved" in result ? result.saved : null;
  const stepErrors = (i: number) => {
    const prefix = `definition.steps.${i}`;
    return Object.fromEntries(
      Object.entries(errors).flatMap(([k, v]) =>
        k === prefix ? [["", v]] : k.startsWith(`${prefix}.`) ? [[k.slice(prefix.length + 1), v]] : [],
      ),
    );
  };
  const reshaped = stepShape(form.steps) !== stepShape(flow.definition.steps);
  const setSteps = (steps: StepForm[]) => setForm({ ...form, steps });
  const move = (i: number, by: -1 | 1) => {
    const steps = [...form.steps];
    [steps[i], steps[i + by]] = [steps[i + by]!, steps[i]!];
    setSteps(steps);
  };
  const toggleExit = (exit: Exit, on: boolean) =>
    setForm({
      ...form,
      exitConditions: on ? [...form.exitConditions, exit] : form.exitConditions.filter((e) => e !== exit),
    });
  const save = () =>
    fetcher.submit(
      { payload: JSON.stringify(editPayload(form, flow.definition.trigger, flow.version)) },
      { method: "post" },
    );
  const saving = fetcher.state !== "idle";

  return (
    <Page
      title={flow.name}
      titleMetadata={<Badge tone={flow.enabled ? "success" : undefined}>{flow.enabled ? "On" : "Off"}</Badge>}
      subtitle={`Version ${flow.version}${flow.builtIn ? " · built-in flow" : ""}`}
      backAction={{ content: "Flows", url: "/app/flows" }}
      primaryAction={{ content: "Save", onAction: save, loading: saving }}
    >
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            {Object.keys(errors).length > 0 && (
              <Banner tone="critical" title="The flow was not saved">
                <p>{errors.form ?? errors["definition.steps"] ?? "Fix the fields marked below."}</p>
              </Banner>
            )}
            {saved && !saving && (
              <Banner tone="success" title={`Saved as version ${saved.version}`} onDismiss={undefined}>
                <p>
                  {saved.runsExited
                    ? `${saved.runsExited} run(s) in progress ended because the steps changed.`
                    : saved.runsContinued
                      ? `${saved.runsContinued} run(s) in progress continue with the new version.`
                      : "New runs use this version."}
                </p>
              </Banner>
            )}
            <Card>
              <BlockStack gap="300">
                <TextField
                  label="Name"
                  value={form.name}
                  onChange={(name) => setForm({ ...form, name })}
                  autoComplete="off"
                  error={errors.name}
                />
                <Text as="p">
                  <strong>Starts when:</strong> {trigger}.
                </Text>
                <Text as="p" tone="subdued">
                  {freshness}
                </Text>
              </BlockStack>
            </Card>
            {form.steps.map((step, i) => (
              <StepEditor
                key={i}
                step={step}
                index={i}
                count={form.steps.length}
                onChange={(next) => setSteps(form.steps.map((s, j) => (j === i ? next : s)))}
                onMove={(by) => move(i, by)}
                onRemove={() => setSteps(form.steps.filter((_, j) => j !== i))}
                errors={stepErrors(i)}
                preview={preview}
                currency={currency}
              />
            ))}
            <Card>
              <InlineStack gap="200">
                {STEP_BUTTONS.map((b) => (
                  <Button
                    key={b.type}
                    disabled={form.steps.length >= 20}
                    onClick={() => setSteps([...form.steps, NEW_STEPS[b.type]()])}
                  >
                    {b.label}
                  </Button>
                ))}
              </InlineStack>
            </Card>
          </BlockStack>
        </Layout.Section>
        <Layout.Section variant="oneThird">
          <BlockStack gap="400">
            <SectionCard title="Stop early when" gap="200">
              {ExitSchema.options.map((exit) => (
                <Checkbox
                  key={exit}
                  label={EXIT_LABELS[exit]}
                  checked={form.exitConditions.includes(exit)}
                  onChange={(on) => toggleExit(exit, on)}
                  disabled={exit === "left_segment" && flow.definition.trigger.type !== "segment_entered"}
                />
              ))}
              <FieldError message={errors["definition.exitConditions"]} />
            </SectionCard>
            <SectionCard title={`Runs in progress: ${activeRuns}`} gap="200">
              <Text as="p" tone="subdued">
                Changing texts, delays or weights keeps runs in progress going with the new version. Adding, removing or
                reordering steps ends them, with their scheduled texts cancelled.
              </Text>
              {reshaped && activeRuns > 0 && (
                <Banner tone="warning">
                  <p>You changed the steps: saving ends the {activeRuns} run(s) in progress.</p>
                </Banner>
              )}
            </SectionCard>
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
