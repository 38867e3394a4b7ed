// The embedded default: the app on SQLite with development credentials, at
// http://localhost:$PORT. Never used in production (`npm run start` is).
import { spawn } from "node:child_process";
import { DEMO_API_SECRET } from "../app/config/demo";

const port = process.env.PORT ?? "3000";
const env = {
  ...process.env,
  PORT: port,
  NODE_ENV: "development" as const,
  SHOPIFY_API_KEY: process.env.SHOPIFY_API_KEY ?? "demo-api-key",
  SHOPIFY_API_SECRET: process.env.SHOPIFY_API_SECRET ?? DEMO_API_SECRET,
  SHOPIFY_APP_URL: process.env.SHOPIFY_APP_URL ?? `http://localhost:${port}`,
  // The development-only way into the admin pages from this browser (refused in production).
  DEV_ADMIN_LOGIN: process.env.DEV_ADMIN_LOGIN ?? "1",
  // The simulated store's Admin API stand-in (the day-one sync reads the store's history there).
  SHOPIFY_ADMIN_API_ORIGIN:
    process.env.SHOPIFY_ADMIN_API_ORIGIN ?? `http://127.0.0.1:${process.env.SIMULATOR_ADMIN_API_PORT ?? "3457"}`,
  SCOPES:
    process.env.SCOPES ??
    "read_customers,write_customers,read_orders,read_checkouts,read_products,read_inventory,read_discounts,write_discounts",
};

console.log(`Segmented SMS (embedded default: SQLite, local outbox) on http://localhost:${port}  health: /healthz`);
console.log(`Admin pages (development login): http://localhost:${port}/dev/login?shop=demo-store.myshopify.com`);
console.log(
  `Simulated store: demo-store.myshopify.com (SIMULATOR=off to disable). Watch it: npm run cli -- segments --shop demo-store.myshopify.com`,
);
const app = spawn("npx", ["remix", "vite:dev", "--port", port, "--strictPort"], { env, stdio: "inherit" });
const worker = spawn("npx", ["tsx", "scripts/worker.ts"], { env, stdio: "inherit" });
// A simulated store posting signed webhooks to this app, so segments fill and change.
const store =
  process.env.SIMULATOR === "off"
    ? null
    : spawn("npx", ["tsx", "scripts/simulate-store.ts"], { env, stdio: "inherit" });
const children = [app, worker, ...(store ? [store] : [])];
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => children.forEach((c) => c.kill(signal)));
}
app.on("exit", (code: number | null) => {
  children.forEach((c) => c !== app && c.kill("SIGTERM"));
  process.exit(code ?? 0);
});
