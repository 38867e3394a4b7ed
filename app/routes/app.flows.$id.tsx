import { type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { useFetcher, useLoaderData } from "@remix-run/react";
import { Badge, BlockStack, Layout, Page } from "@shopify/polaris";
import { notFound, requireShop } from "../admin/auth.server";
import { flowForEditor } from "../admin/flows.server";
import db from "../db.server";
import { saveFlow } from "../flows/manage.server";
import { invalid } from "../admin/form-result";
import type { FieldErrors } from "../field-errors";
import { AddStepCard } from "../components/flows/AddStepCard";
import { editPayload } from "../components/flows/editor-state";
import { ExitConditionsCard, RunsInProgressCard } from "../components/flows/FlowSidebar";
import { FlowSummaryCard } from "../components/flows/FlowSummaryCard";
import { SaveBanners } from "../components/flows/SaveBanners";
import { StepEditor } from "../components/flows/StepEditor";
import { stepErrors, useFlowForm } from "../components/flows/use-flow-form";
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
  const result = await saveFlow({ db, shopId: shop.id, flowId: params.id ?? "", input: payload, now: clock.now() });
  if (!result.ok) return result.status === 404 ? notFound("Flow") : invalid(result.errors, {}, result.status);
  return { saved: result };
};

export default function FlowEditor() {
  const { flow, trigger, freshness, activeRuns, preview, currency } = useLoaderData<typeof loader>();
  const fetcher = useFetcher<typeof action>();
  const { form, setName, setSteps, move, toggleExit, reshaped } = useFlowForm(flow);
  const result = fetcher.data;
  const errors: FieldErrors = result && "errors" in result ? result.errors : {};
  const saved = result && "saved" in result ? result.saved : null;
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
            <SaveBanners errors={errors} saved={saving ? null : saved} />
            <FlowSummaryCard
              name={form.name}
              onNameChange={setName}
              nameError={errors.name}
              trigger={trigger}
              freshness={freshness}
            />
            {form.steps.map((step, i) => (
              <StepEditor
                key={i}
                step={step}
                index={i}
                count={form.steps.length}
                onChange={(next) => setSteps(form.steps.map((s, j) => (j === i ? next : s)))}
                onMove={(by) => move(i, by)}
                onRemove={() => setSteps(form.steps.filter((_, j) => j !== i))}
                errors={stepErrors(errors, i)}
                preview={preview}
                currency={currency}
              />
            ))}
            <AddStepCard count={form.steps.length} onAdd={(step) => setSteps([...form.steps, step])} />
          </BlockStack>
        </Layout.Section>
        <Layout.Section variant="oneThird">
          <BlockStack gap="400">
            <ExitConditionsCard
              selected={form.exitConditions}
              onToggle={toggleExit}
              segmentTriggered={flow.definition.trigger.type === "segment_entered"}
              error={errors["definition.exitConditions"]}
            />
            <RunsInProgressCard activeRuns={activeRuns} reshaped={reshaped} />
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
