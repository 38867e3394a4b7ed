import { describe, expect, it } from "vitest";
import {
  draftToNode,
  newCondition,
  newGroup,
  nodeToDraft,
  updateItem,
  type DraftCondition,
} from "../../app/admin/segments/draft";
import { SegmentNodeSchema, type SegmentNode } from "../../app/segments/definition";
import { describeDefinition } from "../../app/segments/describe";

describe("the segment builder's editing model", () => {
  it("turns a stored definition into groups, conditions and NOT flags, and back into the same tree", () => {
    const stored: SegmentNode = {
      and: [
        { type: "orders_count", op: "gte", value: 2 },
        {
          not: {
            or: [
              { type: "location", country: "US", province: "TX" },
              { type: "total_spent", op: "lt", value: 20.5 },
            ],
          },
        },
        { not: { type: "opted_out" } },
      ],
    };
    const draft = nodeToDraft(stored);
    expect(draft.children.map((c) => [c.kind, c.negate])).toEqual([
      ["condition", false],
      ["group", true],
      ["condition", true],
    ]);
    const { node, paths } = draftToNode(draft);
    expect(node).toEqual(stored);
    expect(paths[draft.children[1]!.id]).toBe("and.1.not");
    expect(SegmentNodeSchema.parse(node)).toEqual(stored);
  });

  it("a lone stored condition becomes a one-item group; edits find items by id", () => {
    const draft = nodeToDraft({ type: "active", days: 30 });
    const condition = draft.children[0] as DraftCondition;
    expect(draftToNode(draft).node).toEqual({ and: [{ type: "active", days: 30 }] });
    const edited = updateItem(draft, condition.id, (c) => ({ ...(c as DraftCondition), params: { days: "" } }));
    // An emptied required number stays missing, so the schema reports it instead of guessing.
    expect(SegmentNodeSchema.safeParse(draftToNode(edited).node).success).toBe(false);
    expect(updateItem(draft, condition.id, () => null).children).toEqual([]);
  });

  it("new conditions start with usable parameters and read back in words", () => {
    const root = newGroup("and", [
      newCondition("orders_count"),
      newGroup("or", [newCondition("location"), newCondition("never_clicked")]),
    ]);
    const { node } = draftToNode(root);
    expect(SegmentNodeSchema.safeParse(node).success).toBe(true);
    expect(describeDefinition(node)).toBe(
      "have placed at least 2 orders and (live in US or have never clicked an SMS link)",
    );
    expect(describeDefinition({ not: { type: "sms_subscribed" } })).toBe(
      'do not match "are subscribed to SMS with a valid number"',
    );
  });
});
