import type { SegmentNode } from "../segments/definition";
import { describeDefinition } from "../segments/describe";
import type { Exit, Step, Trigger } from "./definition";
import { assertUnreachable } from "../assert-unreachable";

/** Flows in the merchant's words, for the list, the "turn on" confirmation and the editor. */

/** segment key → name, for triggers and conditions that name a segment. */
export type SegmentNames = Record<string, string>;

export function triggerInWords(trigger: Trigger, segments: SegmentNames = {}): string {
  const segment = (key: string) => `“${segments[key] ?? key}”`;
  switch (trigger.type) {
    case "segment_entered":
      return `A shopper enters the ${segment(trigger.segmentKey)} segment`;
    case "segment_left":
      return `A shopper leaves the ${segment(trigger.segmentKey)} segment`;
    case "order_placed":
      return "A shopper places an order";
    case "back_in_stock":
      return "An item a shopper is waiting for is back in stock";
    case "subscribed":
      return "A shopper subscribes to SMS";
    default:
      return assertUnreachable(trigger, "trigger type");
  }
}

/** What can start a merchant's own flow, as the "new flow" form offers it. */
export const TRIGGER_CHOICES: { value: Trigger["type"]; label: string }[] = [
  { value: "segment_entered", label: "A shopper enters a segment" },
  { value: "segment_left", label: "A shopper leaves a segment" },
  { value: "order_placed", label: "A shopper places an order" },
  { value: "back_in_stock", label: "An item a shopper is waiting for is back in stock" },
  { value: "subscribed", label: "A shopper subscribes to SMS" },
];

export const DELAY_UNITS = [
  { unit: "days", minutes: 24 * 60 },
  { unit: "hours", minutes: 60 },
  { unit: "minutes", minutes: 1 },
] as const;
export type DelayUnit = (typeof DELAY_UNITS)[number]["unit"];

/** The largest unit a delay is a whole number of: 1440 → { 1, "days" }. */
export function delayParts(minutes: number): { amount: number; unit: DelayUnit } {
  const fit = DELAY_UNITS.find((u) => minutes % u.minutes === 0) ?? DELAY_UNITS[2];
  return { amount: minutes / fit.minutes, unit: fit.unit };
}

export function delayInWords(minutes: number): string {
  const { amount, unit } = delayParts(minutes);
  return `${amount} ${amount === 1 ? unit.slice(0, -1) : unit}`;
}

const pad = (n: number) => String(n).padStart(2, "0");

export function stepInWords(step: Step): string {
  switch (step.type) {
    case "wait":
      return `Wait ${delayInWords(step.minutes)}`;
    case "wait_until":
      return `Wait until ${pad(step.hour)}:${pad(step.minute)} in the shopper's time zone`;
    case "send":
      return step.variants.length > 1
        ? `Send a text (A/B test: ${step.variants.map((v) => v.key).join(" / ")})`
        : "Send a text";
    case "condition":
      return `Continue only if the shopper ${conditionInWords(step.condition)}; otherwise ${step.otherwise === "exit" ? "stop" : `go to step ${step.otherwise.goto + 1}`}`;
    default:
      return assertUnreachable(step, "step type");
  }
}

/** A step's condition, in the segment builder's own words (one wording for conditions). */
export const conditionInWords = (node: SegmentNode): string => `is among customers who ${describeDefinition(node)}`;

export const EXIT_LABELS: Record<Exit, string> = {
  ordered: "The shopper places an order",
  opted_out: "The shopper opts out of SMS",
  left_segment: "The shopper leaves the trigger segment",
};

const EXIT_SHORT: Record<Exit, string> = {
  ordered: "they order",
  opted_out: "they opt out",
  left_segment: "they leave the segment",
};

export function exitsInWords(exits: Exit[]): string {
  return exits.length === 0
    ? "Runs until the last step."
    : `Stops early when ${exits.map((e) => EXIT_SHORT[e]).join(", ")}.`;
}
