import { z } from "zod";
import type { Db } from "../db.server";
import type { FieldErrors } from "../field-errors";
import { unknownVariables } from "../messaging/template";
import { FlowDefinition, StepSchema, stepShape, TriggerSchema, type Exit, type Step } from "./definition";
import { exitRunsInProgress } from "./engine.server";

/**
 * What the merchant's editor submits for a flow: its name and definition, plus the version
 * it was loaded at (a save over someone else's newer save is refused, not merged).
 */
export const FlowEditInput = z
  .object({
    name: z.string().trim().min(1, "Give the flow a name").max(80, "Keep the name under 80 characters"),
    version: z.number().int().positive(),
    definition: FlowDefinition,
  })
  .superRefine(({ definition }, ctx) => {
    definition.steps.forEach((step, i) => {
      const path = ["definition", "steps", i];
      if (step.type === "send") {
        const keys = step.variants.map((v) => v.key);
        if (new Set(keys).size !== keys.length)
          ctx.addIssue({ code: "custom", path: [...path, "variants"], message: "Each variant needs its own label" });
        step.variants.forEach((v, j) => {
          const unknown = unknownVariables(v.body);
          if (unknown.length)
            ctx.addIssue({
              code: "custom",
              path: [...path, "variants", j, "body"],
              message: `Unknown variable: ${unknown.join(", ")}`,
            });
        });
      }
      if (step.type === "condition" && step.otherwise !== "exit") {
        const goto = step.otherwise.goto;
        if (goto === i || goto >= definition.steps.length)
          ctx.addIssue({
            code: "custom",
            path: [...path, "otherwise"],
            message: "Choose another step of this flow to go to",
          });
      }
    });
    if (!definition.steps.some((s) => s.type === "send"))
      ctx.addIssue({
        code: "custom",
        path: ["definition", "steps"],
        message: "A flow needs at least one text to send",
      });
  });
export type FlowEditInput = z.infer<typeof FlowEditInput>;

/** Field path ("definition.steps.0.variants.1.body") → the first problem with it. */
/** Errors keyed by their whole path ("steps.2.body"): the flow editor shows them beside the nested field. */
export function definitionErrors(error: z.ZodError): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of error.issues) {
    const key = issue.path.join(".") || "form";
    errors[key] ??= friendly(issue);
  }
  return errors;
}

function friendly(issue: z.core.$ZodIssue): string {
  if (issue.code === "invalid_type" && issue.expected === "number") return "Enter a number";
  if (issue.code === "invalid_type" && issue.expected === "int") return "Enter a whole number";
  if (issue.code === "too_small" && issue.origin === "string") return "Can't be empty";
  if (issue.code === "too_small" && issue.origin === "number")
    return issue.inclusive ? `Must be at least ${issue.minimum}` : `Must be more than ${issue.minimum}`;
  if (issue.code === "too_big" && issue.origin === "number") return `Must be at most ${issue.maximum}`;
  if (issue.code === "too_big" && issue.origin === "string") return `Keep it under ${issue.maximum} characters`;
  if (issue.code === "too_big" && issue.origin === "array") return `At most ${issue.maximum}`;
  if (issue.code === "invalid_union") return "Not a valid condition";
  return issue.message;
}

export type SaveResult =
  | { ok: true; version: number; runsContinued: number; runsExited: number }
  | { ok: false; errors: FieldErrors; status: 400 | 404 | 409 };

/**
 * Saves a new version of a shop's flow. Runs in progress read the flow's current steps at
 * their step index, so: if only the content of steps changed (texts, delays, weights, the
 * same kinds of step in the same order) they carry on with the new content; if steps were
 * added, removed or reordered their index would point at a different step, so they end
 * ("flow edited") with their scheduled texts cancelled. The editor says which will happen.
 */
export async function saveFlow({
  db,
  shopId,
  flowId,
  input,
  now,
}: {
  db: Db;
  shopId: string;
  flowId: string;
  input: unknown;
  now: Date;
}): Promise<SaveResult> {
  const parsed = FlowEditInput.safeParse(input);
  if (!parsed.success) return { ok: false, errors: definitionErrors(parsed.error), status: 400 };
  const { name, version, definition } = parsed.data;
  const current = await db.flow.findFirst({ where: { id: flowId, shopId } });
  if (!current) return { ok: false, errors: { form: "Flow not found" }, status: 404 };
  const sameShape = stepShape(StepSchema.array().parse(current.steps)) === stepShape(definition.steps);
  const { count } = await db.flow.updateMany({
    where: { id: flowId, shopId, version },
    data: {
      name,
      trigger: definition.trigger,
      steps: definition.steps as object[],
      exitConditions: definition.exitConditions,
      version: { increment: 1 },
    },
  });
  if (count === 0)
    return {
      ok: false,
      errors: { form: "Someone saved this flow since you opened it. Reload to see their changes." },
      status: 409,
    };
  const inProgress = { flowId, status: { in: ["ACTIVE" as const, "WAITING" as const] } };
  if (sameShape) {
    const { count: runsContinued } = await db.flowRun.updateMany({
      where: inProgress,
      data: { flowVersion: version + 1 },
    });
    return { ok: true, version: version + 1, runsContinued, runsExited: 0 };
  }
  const runsExited = await exitRunsInProgress({ db, flowId, reason: "flow edited", now });
  return { ok: true, version: version + 1, runsContinued: 0, runsExited };
}

/** Turns a shop's flow on or off; false when the flow is not this shop's. */
export async function setFlowEnabled({
  db,
  shopId,
  flowId,
  enabled,
}: {
  db: Db;
  shopId: string;
  flowId: string;
  enabled: boolean;
}): Promise<boolean> {
  const { count } = await db.flow.updateMany({ where: { id: flowId, shopId }, data: { enabled } });
  return count === 1;
}

const SEGMENT_TRIGGERS = ["segment_entered", "segment_left"];

/** What the merchant picks to start a flow of their own: a name and what starts it. */
export const NewFlowInput = z
  .object({
    name: z.string().trim().min(1, "Give the flow a name").max(80, "Keep the name under 80 characters"),
    triggerType: z.enum(["segment_entered", "segment_left", "order_placed", "back_in_stock", "subscribed"], {
      message: "Choose what starts the flow",
    }),
    segmentKey: z.string().optional(),
  })
  .refine((v) => !SEGMENT_TRIGGERS.includes(v.triggerType) || !!v.segmentKey, {
    path: ["segmentKey"],
    message: "Choose a segment",
  });
export type NewFlowInput = z.infer<typeof NewFlowInput>;

/**
 * A merchant's own flow: off, with one text to edit before it is turned on. Null when the
 * chosen segment is not one of the shop's.
 */
export async function createFlow(db: Db, shopId: string, input: NewFlowInput) {
  const segmentKey = SEGMENT_TRIGGERS.includes(input.triggerType) ? input.segmentKey! : null;
  if (
    segmentKey &&
    !(await db.segment.findFirst({ where: { shopId, key: segmentKey, archivedAt: null }, select: { id: true } }))
  )
    return null;
  const trigger = TriggerSchema.parse(
    segmentKey ? { type: input.triggerType, segmentKey } : { type: input.triggerType },
  );
  const exitConditions: Exit[] =
    trigger.type === "segment_entered" ? ["ordered", "opted_out", "left_segment"] : ["opted_out"];
  const steps: Step[] = [
    {
      type: "send",
      variants: [{ key: "A", weight: 1, body: 'Hi {{ first_name | default: "there" }}, news from {{ shop_name }}!' }],
    },
  ];
  return db.flow.create({
    data: {
      shopId,
      key: `custom-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`,
      name: input.name,
      builtIn: false,
      enabled: false,
      trigger,
      steps,
      exitConditions,
    },
  });
}
