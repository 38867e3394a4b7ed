import { describe, expect, it } from "vitest";
import { stepInWords } from "../../app/flows/describe";
import { describeDefinition } from "../../app/segments/describe";
import type { SegmentNode } from "../../app/segments/definition";

describe("flow steps in words", () => {
  it("words a condition step exactly as the segment builder words the same condition", () => {
    // GIVEN a condition a merchant could also build as a segment
    const condition: SegmentNode = {
      and: [{ type: "orders_count", op: "gte", value: 2 }, { not: { type: "clicked_within", days: 30 } }],
    };

    // WHEN the flow editor describes the step
    const words = stepInWords({ type: "condition", condition, otherwise: "exit" });

    // THEN it reads as the segment page reads, with no second wording to drift
    expect(words).toBe(
      `Continue only if the shopper is among customers who ${describeDefinition(condition)}; otherwise stop`,
    );
    expect(words).toContain("have placed at least 2 orders");
  });
});
