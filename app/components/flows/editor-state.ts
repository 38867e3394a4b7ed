import { DELAY_UNITS, delayParts, type DelayUnit } from "../../flows/describe";
import type { Exit, FlowDefinition, Step } from "../../flows/definition";
import { assertUnreachable } from "../../assert-unreachable";

/**
 * The flow editor's form state: what the merchant types (strings, delay units), turned into
 * a flow definition on save. The server validates the result with the flow schema; what
 * does not parse here (an empty delay, a condition that isn't JSON) is passed on as is so
 * the schema reports it against the right field.
 */
export type VariantForm = { key: string; weight: string; body: string };
export type StepForm =
  | { type: "wait"; amount: string; unit: DelayUnit }
  | { type: "wait_until"; time: string }
  | { type: "send"; variants: VariantForm[] }
  | { type: "condition"; condition: string; otherwise: "exit" | number };
export type FlowForm = { name: string; steps: StepForm[]; exitConditions: Exit[] };

const pad = (n: number) => String(n).padStart(2, "0");

export function toStepForm(step: Step): StepForm {
  switch (step.type) {
    case "wait": {
      const { amount, unit } = delayParts(step.minutes);
      return { type: "wait", amount: String(amount), unit };
    }
    case "wait_until":
      return { type: "wait_until", time: `${pad(step.hour)}:${pad(step.minute)}` };
    case "send":
      return {
        type: "send",
        variants: step.variants.map((v) => ({ key: v.key, weight: String(v.weight), body: v.body })),
      };
    case "condition":
      return {
        type: "condition",
        condition: JSON.stringify(step.condition, null, 2),
        otherwise: step.otherwise === "exit" ? "exit" : step.otherwise.goto,
      };
    default:
      return assertUnreachable(step, "step type");
  }
}

/** Numbers as typed; blank or not a number stays unparsed (null) so the schema names the field. */
const numberOf = (text: string) => (text.trim() === "" || !Number.isFinite(Number(text)) ? null : Number(text));

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export function fromStepForm(step: StepForm): unknown {
  switch (step.type) {
    case "wait": {
      const amount = numberOf(step.amount);
      const unitMinutes = DELAY_UNITS.find((u) => u.unit === step.unit)!.minutes;
      return { type: "wait", minutes: amount === null ? null : Math.round(amount * unitMinutes * 1000) / 1000 };
    }
    case "wait_until": {
      const [hour, minute] = step.time.split(":").map((part) => numberOf(part));
      return { type: "wait_until", hour: hour ?? null, minute: minute ?? 0 };
    }
    case "send":
      return {
        type: "send",
        variants: step.variants.map((v) => ({ key: v.key.trim(), weight: numberOf(v.weight), body: v.body })),
      };
    case "condition":
      return {
        type: "condition",
        condition: parseJson(step.condition),
        otherwise: step.otherwise === "exit" ? "exit" : { goto: step.otherwise },
      };
    default:
      return assertUnreachable(step, "step type");
  }
}

/** What the editor posts: the flow definition (unvalidated) with the version it was loaded at. */
export function editPayload(form: FlowForm, trigger: FlowDefinition["trigger"], version: number) {
  return {
    name: form.name,
    version,
    definition: { trigger, steps: form.steps.map(fromStepForm), exitConditions: form.exitConditions },
  };
}

export const NEW_STEPS: Record<StepForm["type"], () => StepForm> = {
  send: () => ({ type: "send", variants: [{ key: "A", weight: "1", body: "" }] }),
  wait: () => ({ type: "wait", amount: "1", unit: "days" }),
  wait_until: () => ({ type: "wait_until", time: "10:00" }),
  condition: () => ({
    type: "condition",
    condition: JSON.stringify({ type: "orders_count", op: "eq", value: 0 }, null, 2),
    otherwise: "exit",
  }),
};

/** The next free variant label: A, B, C, D. */
export const nextVariantKey = (variants: VariantForm[]) =>
  ["A", "B", "C", "D"].find((k) => !variants.some((v) => v.key === k)) ?? String(variants.length + 1);
