import { z } from "zod";
import { SegmentNodeSchema } from "../segments/definition";

/**
 * A flow is data: a trigger, a list of steps and exit conditions, stored as JSON on the
 * Flow row and run by one engine (engine.server.ts).
 */
export const TriggerSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("segment_entered"), segmentKey: z.string() }),
  z.object({ type: z.literal("segment_left"), segmentKey: z.string() }),
  z.object({ type: z.literal("order_placed") }),
  z.object({ type: z.literal("back_in_stock") }),
  z.object({ type: z.literal("subscribed") }),
]);
export type Trigger = z.infer<typeof TriggerSchema>;

const Variant = z.object({
  key: z.string().min(1).max(8),
  body: z.string().min(1).max(1000),
  weight: z.number().positive().default(1),
});

export const StepSchema = z.discriminatedUnion("type", [
  z.object({
    type: z.literal("wait"),
    minutes: z
      .number()
      .int()
      .positive()
      .max(60 * 24 * 90),
  }),
  // Wait until the next time of day in the shopper's zone (e.g. 10:00 tomorrow).
  z.object({
    type: z.literal("wait_until"),
    hour: z.number().int().min(0).max(23),
    minute: z.number().int().min(0).max(59).default(0),
  }),
  z.object({ type: z.literal("send"), variants: z.array(Variant).min(1).max(4) }),
  // Continue if the shopper matches; otherwise exit, or jump to another step.
  z.object({
    type: z.literal("condition"),
    condition: SegmentNodeSchema,
    otherwise: z.union([z.literal("exit"), z.object({ goto: z.number().int().min(0) })]),
  }),
]);
export type Step = z.infer<typeof StepSchema>;

export const ExitSchema = z.enum(["ordered", "opted_out", "left_segment"]);
export type Exit = z.infer<typeof ExitSchema>;

export const FlowDefinition = z.object({
  trigger: TriggerSchema,
  steps: z.array(StepSchema).min(1).max(20),
  exitConditions: z.array(ExitSchema).default(["opted_out"]),
});
export type FlowDefinition = z.infer<typeof FlowDefinition>;

/** The kinds of step in order: what a run's step index means (a run in progress keeps its index across edits). */
export const stepShape = (steps: Pick<Step, "type">[]) => steps.map((s) => s.type).join(">");
