import { ConditionSchema, SegmentNodeSchema } from "../../segments/definition";
import { SegmentInput } from "../../segments/manage.server";
import type { FormErrors } from "./draft";

/**
 * The builder's post (name, description, definition as JSON) through SegmentInput, with
 * errors a person can act on: zod's union errors for a tree only say "invalid input", so
 * each condition is checked on its own and its problems are keyed by its place in the tree.
 */
export function parseSegmentForm(form: FormData): { input: SegmentInput } | { errors: FormErrors } {
  let definition: unknown;
  try {
    definition = JSON.parse(String(form.get("definition") ?? ""));
  } catch {
    return { errors: { definition: "The conditions could not be read; reload the page and try again." } };
  }
  const raw = {
    name: String(form.get("name") ?? ""),
    description: String(form.get("description") ?? "") || undefined,
    definition,
  };
  const parsed = SegmentInput.safeParse(raw);
  if (parsed.success) return { input: parsed.data };
  const errors: FormErrors = {};
  for (const issue of parsed.error.issues) {
    const field = issue.path[0];
    if (field === "name" || field === "description") errors[field] ??= issue.message;
  }
  const conditions = conditionErrors(definition);
  if (Object.keys(conditions).length) errors.conditions = conditions;
  else if (!SegmentNodeSchema.safeParse(definition).success) errors.definition = "Add at least one condition.";
  return { errors };
}

function conditionErrors(node: unknown, path: string[] = [], out: Record<string, string> = {}): Record<string, string> {
  if (typeof node !== "object" || node === null) return out;
  const key = path.join(".");
  for (const group of ["and", "or"] as const) {
    if (group in node) {
      const children = (node as Record<string, unknown>)[group];
      if (!Array.isArray(children) || children.length === 0) out[key] = "Add at least one condition to this group.";
      else children.forEach((child, i) => conditionErrors(child, [...path, group, String(i)], out));
      return out;
    }
  }
  if ("not" in node) return conditionErrors((node as { not: unknown }).not, [...path, "not"], out);
  const result = ConditionSchema.safeParse(node);
  if (!result.success)
    out[key] = result.error.issues
      .map((i) => (i.path.length ? `${String(i.path[0])}: ${describeIssue(i)}` : describeIssue(i)))
      .join("; ");
  return out;
}

// zod words a missing field "Invalid input: expected number, received undefined".
const describeIssue = (issue: { message: string }) =>
  /received undefined/.test(issue.message) ? "required" : issue.message;
