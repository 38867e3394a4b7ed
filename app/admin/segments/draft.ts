import type { Condition, SegmentNode } from "../../segments/definition";

/**
 * The segment builder's editing model (browser-safe): a root group whose items are
 * conditions or nested groups, each of which can be negated. It converts to and from the
 * stored definition tree; the form posts the tree, and the server validates it.
 */
export type ConditionType = Condition["type"];
export type DraftCondition = {
  id: string;
  kind: "condition";
  negate: boolean;
  type: ConditionType;
  params: Record<string, string>;
};
export type DraftGroup = { id: string; kind: "group"; negate: boolean; match: "and" | "or"; children: DraftItem[] };
export type DraftItem = DraftCondition | DraftGroup;

/** The builder's save errors: fields, the tree as a whole, and conditions keyed by their path. */
export type FormErrors = {
  name?: string;
  description?: string;
  definition?: string;
  conditions?: Record<string, string>;
};

export type ParamSpec = {
  name: string;
  label: string;
  input: "number" | "text" | "comparison";
  optional?: boolean;
  help?: string;
};

const days: ParamSpec[] = [{ name: "days", label: "Days", input: "number" }];
const comparison = (valueLabel: string): ParamSpec[] => [
  { name: "op", label: "Comparison", input: "comparison" },
  { name: "value", label: valueLabel, input: "number" },
];

/** The parameters each condition type takes (definition.ts ConditionSchema). */
export const CONDITION_PARAMS: Record<ConditionType, ParamSpec[]> = {
  sms_subscribed: [],
  opted_out: [],
  orders_count: comparison("Orders"),
  total_spent: comparison("Amount"),
  never_purchased: [],
  new_customer: days,
  active: days,
  lapsed: days,
  abandoned_checkout: [{ name: "minutes", label: "Minutes since last activity", input: "number" }],
  restock_watcher: [
    { name: "variantId", label: "Variant ID", input: "text", optional: true, help: "Empty: any sold-out variant" },
  ],
  clicked_within: days,
  never_clicked: [],
  replied_within: days,
  location: [
    { name: "country", label: "Country code", input: "text", optional: true, help: "Two letters, e.g. US" },
    { name: "province", label: "Province / state code", input: "text", optional: true, help: "e.g. TX" },
    { name: "city", label: "City", input: "text", optional: true },
  ],
  purchased: [
    { name: "productId", label: "Product ID", input: "text", optional: true },
    { name: "variantId", label: "Variant ID", input: "text", optional: true },
    { name: "productType", label: "Product type", input: "text", optional: true },
    { name: "vendor", label: "Vendor", input: "text", optional: true },
    { name: "collectionId", label: "Collection ID", input: "text", optional: true },
  ],
};

const DEFAULT_PARAMS: Partial<Record<ConditionType, Record<string, string>>> = {
  orders_count: { op: "gte", value: "2" },
  total_spent: { op: "gte", value: "100" },
  new_customer: { days: "30" },
  active: { days: "90" },
  lapsed: { days: "90" },
  clicked_within: { days: "30" },
  replied_within: { days: "30" },
  abandoned_checkout: { minutes: "60" },
  location: { country: "US" },
};

let counter = 0;
const newId = () => `d${Date.now().toString(36)}${(++counter).toString(36)}`;

export function newCondition(type: ConditionType = "orders_count"): DraftCondition {
  return { id: newId(), kind: "condition", negate: false, type, params: { ...DEFAULT_PARAMS[type] } };
}

export function newGroup(match: "and" | "or" = "or", children: DraftItem[] = [newCondition()]): DraftGroup {
  return { id: newId(), kind: "group", negate: false, match, children };
}

/** Each item's place in the posted tree ("and.1.not.or.0"): server errors come back keyed by it. */
export function draftToNode(root: DraftGroup): { node: SegmentNode; paths: Record<string, string> } {
  const paths: Record<string, string> = {};
  const convert = (item: DraftItem, path: string[]): SegmentNode => {
    const inner = item.negate ? [...path, "not"] : path;
    paths[item.id] = inner.join(".");
    const node: SegmentNode =
      item.kind === "group"
        ? ({
            [item.match]: item.children.map((child, i) => convert(child, [...inner, item.match, String(i)])),
          } as SegmentNode)
        : conditionOf(item);
    return item.negate ? { not: node } : node;
  };
  return { node: convert({ ...root, negate: false }, []), paths };
}

function conditionOf(item: DraftCondition): SegmentNode {
  const out: Record<string, unknown> = { type: item.type };
  for (const spec of CONDITION_PARAMS[item.type]) {
    const raw = item.params[spec.name]?.trim() ?? "";
    if (raw === "") {
      if (!spec.optional && spec.input !== "comparison") out[spec.name] = undefined; // zod reports "required"
      continue;
    }
    out[spec.name] = spec.input === "number" ? Number(raw) : raw;
  }
  return out as SegmentNode;
}

/** For editing a stored definition: the root is always a group. */
export function nodeToDraft(node: SegmentNode): DraftGroup {
  const item = toItem(node);
  return item.kind === "group" && !item.negate ? item : newGroup("and", [item]);
}

function toItem(node: SegmentNode): DraftItem {
  if ("not" in node) {
    const inner = toItem(node.not);
    return { ...inner, negate: !inner.negate };
  }
  if ("and" in node) return { id: newId(), kind: "group", negate: false, match: "and", children: node.and.map(toItem) };
  if ("or" in node) return { id: newId(), kind: "group", negate: false, match: "or", children: node.or.map(toItem) };
  const { type, ...rest } = node;
  const params = Object.fromEntries(Object.entries(rest).map(([k, v]) => [k, String(v)]));
  return { id: newId(), kind: "condition", negate: false, type, params };
}

/** Immutable edits of the tree by item id. */
export function updateItem(root: DraftGroup, id: string, change: (item: DraftItem) => DraftItem | null): DraftGroup {
  const visit = (item: DraftItem): DraftItem | null => {
    if (item.id === id) return change(item);
    if (item.kind !== "group") return item;
    return { ...item, children: item.children.map(visit).filter((c): c is DraftItem => c !== null) };
  };
  return visit(root) as DraftGroup;
}
