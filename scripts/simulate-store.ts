// The simulated store of the embedded default (started by `npm run demo`): waits for the
// app to answer /healthz, installs the app into a store that already has history (the app
// syncs it through the store's Admin API stand-in), turns the built-in flows on, then keeps
// a live trickle of shoppers going as signed webhooks. See dev/simulator/. Stops on SIGINT / SIGTERM.
import { runSimulator } from "../dev/simulator/run.server";

const appUrl = process.env.SHOPIFY_APP_URL ?? `http://localhost:${process.env.PORT ?? 3000}`;
const secret = process.env.SHOPIFY_API_SECRET;
if (!secret) {
  console.error("simulate-store: SHOPIFY_API_SECRET is required (webhooks are signed with it)");
  process.exit(2);
}
const num = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const shop = process.env.SIMULATOR_SHOP ?? "demo-store.myshopify.com";
// The app's database and job engine, as its afterAuth would use them (loaded only when used).
const services = async () => {
  const [{ default: db }, { queue }, { systemClock }] = await Promise.all([
    import("../app/db.server"),
    import("../app/runtime/job-engine.server"),
    import("../app/clock"),
  ]);
  return { db, queue, clock: systemClock };
};
const controller = new AbortController();
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => controller.abort());

for (let waited = 0; ; waited += 500) {
  const ok = await fetch(new URL("/healthz", appUrl))
    .then((r) => r.ok)
    .catch(() => false);
  if (ok) break;
  if (controller.signal.aborted) process.exit(0);
  if (waited > 120_000) {
    console.error(`simulate-store: ${appUrl}/healthz did not answer in 2 minutes`);
    process.exit(1);
  }
  await new Promise((r) => setTimeout(r, 500));
}

await runSimulator({
  appUrl,
  secret,
  shop,
  historyDays: num("SIMULATOR_HISTORY_DAYS", 120),
  historyActionsPerDay: num("SIMULATOR_HISTORY_ACTIONS_PER_DAY", 6),
  liveActionsPerMinute: num("SIMULATOR_ACTIONS_PER_MINUTE", 3),
  redeliveryRate: 0.02,
  live: true,
  seed: num("SIMULATOR_SEED", 1),
  // The app is installed into a store with history and syncs it (SIMULATOR_HISTORY=webhooks: sent as webhooks).
  history:
    process.env.SIMULATOR_HISTORY === "webhooks"
      ? { mode: "webhooks" }
      : {
          mode: "sync",
          adminApiPort: num("SIMULATOR_ADMIN_API_PORT", 3457),
          services,
        },
  // The merchant installs the app first (Shopify's afterAuth), then the store talks to it.
  install: async () => {
    const [{ db, clock }, { installShop }] = await Promise.all([services(), import("../app/commerce/shops.server")]);
    await installShop(db, shop, clock.now());
  },
  signal: controller.signal,
  log: (line) => console.log(`[store] ${line}`),
});
