/**
 * Message templates: `{{ name }}` placeholders with an optional fallback,
 * `{{ first_name | default: "there" }}`. Unknown names and missing values render the
 * fallback (or nothing), never "undefined". Used for sends and for the admin preview.
 */
export const TEMPLATE_VARIABLES = [
  "first_name",
  "shop_name",
  "checkout_url",
  "product_title",
  "product_url",
  "discount_code",
  "order_name",
] as const;
export type TemplateVariable = (typeof TEMPLATE_VARIABLES)[number];
export type TemplateValues = Partial<Record<TemplateVariable, string | null | undefined>>;

const PLACEHOLDER = /\{\{\s*([a-z_]+)\s*(?:\|\s*default:\s*"([^"]*)"\s*)?\}\}/g;

export function renderTemplate(template: string, values: TemplateValues): string {
  return template
    .replace(PLACEHOLDER, (_m, name: string, fallback?: string) => {
      const v = values[name as TemplateVariable];
      return v != null && String(v).trim() !== "" ? String(v) : (fallback ?? "");
    })
    .replace(/[ \t]{2,}/g, " ")
    .trim();
}

export const usesVariable = (template: string, name: TemplateVariable) =>
  [...template.matchAll(PLACEHOLDER)].some((m) => m[1] === name);

/** Placeholders a template uses that the app does not know: shown to the merchant. */
export function unknownVariables(template: string): string[] {
  return [...template.matchAll(PLACEHOLDER)]
    .map((m) => m[1]!)
    .filter((n) => !(TEMPLATE_VARIABLES as readonly string[]).includes(n));
}

/** Example values for the admin's preview. */
export const PREVIEW_VALUES: TemplateValues = {
  first_name: "Ava",
  shop_name: "Northbean",
  checkout_url: "https://northbean.example/checkouts/abc/recover",
  product_title: "Cold Brew Concentrate",
  product_url: "https://northbean.example/products/cold-brew",
  discount_code: "WELCOME10",
  order_name: "#1042",
};
