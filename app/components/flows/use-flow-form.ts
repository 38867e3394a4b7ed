import { useEffect, useMemo, useState } from "react";
import { stepShape, type Exit, type FlowDefinition } from "../../flows/definition";
import { toStepForm, type FlowForm, type StepForm } from "./editor-state";

/**
 * The editor's form state for a flow as loaded, with its edits (steps moved, exits toggled).
 * `reshaped` says the steps no longer have the saved shape: saving then ends runs in progress.
 */
export function useFlowForm(flow: { name: string; definition: FlowDefinition }) {
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

  const setSteps = (steps: StepForm[]) => setForm({ ...form, steps });
  return {
    form,
    setName: (name: string) => setForm({ ...form, name }),
    setSteps,
    move: (i: number, by: -1 | 1) => {
      const steps = [...form.steps];
      [steps[i], steps[i + by]] = [steps[i + by]!, steps[i]!];
      setSteps(steps);
    },
    toggleExit: (exit: Exit, on: boolean) =>
      setForm({
        ...form,
        exitConditions: on ? [...form.exitConditions, exit] : form.exitConditions.filter((e) => e !== exit),
      }),
    reshaped: stepShape(form.steps) !== stepShape(flow.definition.steps),
  };
}

/** Field errors of step `i`, keyed by the rest of their path ("variants.0.body"; "" for the step itself). */
export function stepErrors(errors: Record<string, string>, i: number): Record<string, string> {
  const prefix = `definition.steps.${i}`;
  return Object.fromEntries(
    Object.entries(errors).flatMap(([k, v]) =>
      k === prefix ? [["", v]] : k.startsWith(`${prefix}.`) ? [[k.slice(prefix.length + 1), v]] : [],
    ),
  );
}
