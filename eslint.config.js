import js from "@eslint/js";
import tseslint from "typescript-eslint";
import prettier from "eslint-config-prettier";

const DOMAIN_FOLDERS = [
  "attribution",
  "campaigns",
  "commerce",
  "config",
  "consent",
  "contacts",
  "db",
  "discounts",
  "flows",
  "health",
  "jobs",
  "messaging",
  "observability",
  "operator",
  "privacy",
  "schedule",
  "security",
  "segments",
  "shopify-admin",
  "sms",
  "sync",
  "tracking",
  "webhooks",
];
const INPUT_FOLDERS = ["commerce", "consent", "privacy", "sync"];
const DOMAIN_BOUNDARIES = [
  {
    group: ["**/routes/**", "**/components/**", "**/admin/**"],
    message: "Domain modules do not import routes, admin pages or components: move the shared piece down.",
  },
  {
    group: ["**/runtime/**"],
    message:
      "Domain modules take their services as parameters; only routes, admin pages, scripts and the worker use app/runtime.",
  },
  {
    group: ["@remix-run/*", "@shopify/polaris", "react"],
    message: "Domain modules have no Remix or UI imports (they run in workers and the CLI too).",
  },
];

export default tseslint.config(
  {
    ignores: [
      "build/**",
      "node_modules/**",
      "app/generated/**",
      "public/build/**",
      "test-output/**",
      "extensions/**/dist/**",
      // Written by Shopify's CLI on every build.
      "extensions/*/shopify.d.ts",
      ".cache/**",
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  // Formatting is Prettier's job; this turns off the lint rules that would disagree with it.
  prettier,
  {
    languageOptions: { globals: { process: "readonly", console: "readonly", Buffer: "readonly", URL: "readonly" } },
    rules: {
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
  // More than three parameters become one object (issue 18): every call names what it passes, and a
  // new parameter cannot shift the others. Remix's handleRequest is the one exception, marked where it is.
  {
    files: ["app/**/*.{ts,tsx}"],
    rules: { "@typescript-eslint/max-params": ["error", { max: 3 }] },
  },
  // Import boundaries: domain modules are plain TypeScript that routes, admin pages, the CLI and
  // workers all reuse, so they never reach up into those layers or into the wiring.
  {
    files: [`app/{${DOMAIN_FOLDERS.join(",")}}/**/*.{ts,tsx}`],
    rules: { "no-restricted-imports": ["error", { patterns: DOMAIN_BOUNDARIES }] },
  },
  // The writers of store data take Shopify's shapes (app/shopify-payloads.ts), not the webhook layer that
  // receives them: the day-one sync feeds them too. (A later block replaces the rule, so it repeats the above.)
  {
    files: [`app/{${INPUT_FOLDERS.join(",")}}/**/*.{ts,tsx}`],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            ...DOMAIN_BOUNDARIES,
            {
              group: ["**/webhooks/**"],
              message:
                "Store-data writers take Shopify's shapes from app/shopify-payloads.ts; only the webhook routes and the worker's webhook step use app/webhooks.",
            },
          ],
        },
      ],
    },
  },
);
