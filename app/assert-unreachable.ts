/**
 * The `default` of a switch that must cover every case of a union (condition types, step
 * types, triggers): adding a member to the union is a compile error here until every such
 * switch handles it, instead of a silent fallthrough at run time.
 */
export function assertUnreachable(value: never, what = "value"): never {
  throw new Error(`Unhandled ${what}: ${JSON.stringify(value)}`);
}
