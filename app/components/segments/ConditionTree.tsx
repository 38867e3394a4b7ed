import { BlockStack, Box, Button, Checkbox, InlineError, InlineStack, Select, TextField } from "@shopify/polaris";
import {
  CONDITION_PARAMS,
  newCondition,
  newGroup,
  type ConditionType,
  type DraftCondition,
  type DraftGroup,
  type DraftItem,
} from "../../admin/segments/draft";
import { COMPARISON_WORDS, CONDITION_LABELS } from "../../segments/describe";

const TYPE_OPTIONS = Object.entries(CONDITION_LABELS).map(([value, label]) => ({
  value,
  label,
}));
const COMPARISON_OPTIONS = Object.entries(COMPARISON_WORDS).map(([value, label]) => ({ value, label }));
const MATCH_OPTIONS = [
  { value: "and", label: "all of these (AND)" },
  { value: "or", label: "any of these (OR)" },
];
/** Groups nest this deep at most: deeper trees are hard to read back. */
const MAX_DEPTH = 2;

export interface TreeProps {
  errors: Record<string, string>;
  paths: Record<string, string>;
  onChange: (id: string, change: (item: DraftItem) => DraftItem | null) => void;
}

/** A group of conditions combined with AND / OR; nested groups and negation per item. */
export function GroupEditor({ group, depth, ...tree }: TreeProps & { group: DraftGroup; depth: number }) {
  const error = tree.errors[tree.paths[group.id]];
  const add = (item: DraftItem) =>
    tree.onChange(group.id, (g) => ({
      ...(g as DraftGroup),
      children: [...(g as DraftGroup).children, item],
    }));
  return (
    <BlockStack gap="300">
      <Select
        label={depth === 0 ? "Customers who match" : "Group matches"}
        options={MATCH_OPTIONS}
        value={group.match}
        onChange={(match) =>
          tree.onChange(group.id, (g) => ({
            ...(g as DraftGroup),
            match: match as "and" | "or",
          }))
        }
      />
      {group.children.map((child) => (
        <Box
          key={child.id}
          padding="300"
          borderWidth="025"
          borderColor="border"
          borderRadius="200"
          background={child.kind === "group" ? "bg-surface-secondary" : undefined}
        >
          <BlockStack gap="200">
            {child.kind === "group" ? (
              <GroupEditor group={child} depth={depth + 1} {...tree} />
            ) : (
              <ConditionEditor condition={child} {...tree} />
            )}
            <InlineStack gap="300" blockAlign="center">
              <Checkbox
                label={
                  child.kind === "group"
                    ? "Exclude customers matching this group (NOT)"
                    : "Exclude customers matching this (NOT)"
                }
                checked={child.negate}
                onChange={(negate) => tree.onChange(child.id, (c) => ({ ...c, negate }))}
              />
              <Button variant="plain" tone="critical" onClick={() => tree.onChange(child.id, () => null)}>
                {child.kind === "group" ? "Remove group" : "Remove condition"}
              </Button>
            </InlineStack>
          </BlockStack>
        </Box>
      ))}
      {error ? <InlineError message={error} fieldID={group.id} /> : null}
      <InlineStack gap="200">
        <Button onClick={() => add(newCondition())}>Add condition</Button>
        {depth < MAX_DEPTH ? (
          <Button onClick={() => add(newGroup(group.match === "and" ? "or" : "and"))}>Add group</Button>
        ) : null}
      </InlineStack>
    </BlockStack>
  );
}

function ConditionEditor({ condition, ...tree }: TreeProps & { condition: DraftCondition }) {
  const error = tree.errors[tree.paths[condition.id]];
  const setParam = (name: string, value: string) =>
    tree.onChange(condition.id, (c) => ({
      ...(c as DraftCondition),
      params: { ...(c as DraftCondition).params, [name]: value },
    }));
  return (
    <BlockStack gap="200">
      <InlineStack gap="300" blockAlign="end" wrap>
        <Select
          label="Condition"
          options={TYPE_OPTIONS}
          value={condition.type}
          onChange={(type) =>
            tree.onChange(condition.id, (c) => ({
              ...newCondition(type as ConditionType),
              id: c.id,
              negate: c.negate,
            }))
          }
        />
        {CONDITION_PARAMS[condition.type].map((spec) =>
          spec.input === "comparison" ? (
            <Select
              key={spec.name}
              label={spec.label}
              options={COMPARISON_OPTIONS}
              value={condition.params[spec.name] ?? "gte"}
              onChange={(v) => setParam(spec.name, v)}
            />
          ) : (
            <TextField
              key={spec.name}
              label={spec.label}
              type={spec.input === "number" ? "number" : "text"}
              value={condition.params[spec.name] ?? ""}
              onChange={(v) => setParam(spec.name, v)}
              helpText={spec.help}
              autoComplete="off"
            />
          ),
        )}
      </InlineStack>
      {error ? <InlineError message={error} fieldID={condition.id} /> : null}
    </BlockStack>
  );
}
