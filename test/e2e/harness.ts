import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdirSync, readdirSync, statSync } from "node:fs";
import { createServer } from "node:net";
import path from "node:path";
import { API_KEY, API_SECRET_KEY } from "@shopify/shopify-api/test-helpers";
import { afterAll, beforeAll } from "vitest";
import { chromium, type Browser, type Page } from "playwright-core";

/**
 * End-to-end harness: the production build of the app served by remix-serve on 127.0.0.1
 * (against the test run's database), and Debian's Chromium driven by playwright-core,
 * signed in through the development login. Screenshots go to test-output/screenshots/.
 */
const root = path.resolve(import.meta.dirname, "../..");
export const SCREENSHOTS = path.join(root, "test-output", "screenshots");
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
// Shopify's app package answers bots (HeadlessChrome is one) with 410, as it should in
// production; the browser presents itself as the desktop Chrome it is.
const USER_AGENT =
  "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36";

export interface AppServer {
  url: string;
  stop(): Promise<void>;
}

/** Builds the app if its sources are newer than the build, then serves it. */
export async function startAppServer(): Promise<AppServer> {
  ensureBuild();
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [path.join(root, "node_modules/@remix-run/serve/dist/cli.js"), "build/server/index.js"],
    {
      cwd: root,
      env: {
        ...process.env,
        PORT: String(port),
        HOST: "127.0.0.1",
        NODE_ENV: "test",
        DEV_ADMIN_LOGIN: "1",
        SHOPIFY_API_KEY: API_KEY,
        SHOPIFY_API_SECRET: API_SECRET_KEY,
        SHOPIFY_APP_URL: `http://127.0.0.1:${port}`,
      },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  const output: string[] = [];
  child.stdout!.on("data", (d) => output.push(String(d)));
  child.stderr!.on("data", (d) => output.push(String(d)));
  const url = `http://127.0.0.1:${port}`;
  await waitForHealth(url, child, output);
  return {
    url,
    stop: () =>
      new Promise<void>((resolve) =>
        child.exitCode !== null ? resolve() : (child.once("exit", () => resolve()), child.kill("SIGTERM")),
      ),
  };
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

/** A page signed in to the admin as `shop` through the development login. */
export async function openAdmin(browser: Browser, server: AppServer, shop: string): Promise<Page> {
  const page = await browser.newPage({ userAgent: USER_AGENT, viewport: { width: 1280, height: 900 } });
  const response = await page.goto(`${server.url}/dev/login?shop=${shop}`);
  if (response?.status() !== 200) throw new Error(`dev login answered ${response?.status()}`);
  return page;
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const file = path.join(SCREENSHOTS, `${name}.png`);
  // The window takes the page's height first: a full-page capture that resizes the window
  // mid-shot makes charts redraw, and they come out blank.
  const height = Math.min(Math.max(await page.evaluate(() => document.documentElement.scrollHeight), 600), 6000);
  const viewport = page.viewportSize() ?? { width: 1280, height: 900 };
  if (viewport.height !== height) {
    await page.setViewportSize({ width: viewport.width, height });
    await page.waitForTimeout(1500); // charts animate back in after a resize
  }
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

function ensureBuild() {
  const built = path.join(root, "build/server/index.js");
  const builtAt = safeMtime(built);
  if (builtAt && newestMtime(path.join(root, "app")) < builtAt) return;
  const result = spawnSync(
    process.execPath,
    [path.join(root, "node_modules/@remix-run/dev/dist/cli.js"), "vite:build"],
    { cwd: root, encoding: "utf8" },
  );
  if (result.status !== 0) throw new Error(`remix vite:build failed:\n${result.stderr}`);
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === "generated") continue;
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : statSync(full).mtimeMs);
  }
  return newest;
}

const safeMtime = (file: string) => {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return 0;
  }
};

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on("error", reject);
  });
}

async function waitForHealth(url: string, child: ChildProcess, output: string[]) {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`remix-serve exited ${child.exitCode}:\n${output.join("")}`);
    const ok = await fetch(`${url}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`remix-serve did not answer /healthz in 30 s:\n${output.join("")}`);
}

/**
 * The app server and a browser for one test file: started before its tests, stopped after.
 * `open(shop)` signs a new page in as `shop`; `url` is the server's address.
 */
export function adminInBrowser() {
  let server: AppServer | undefined;
  let browser: Browser | undefined;
  beforeAll(async () => {
    server = await startAppServer();
    browser = await launchBrowser();
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });
  return {
    get url() {
      return server!.url;
    },
    open: (shop: string) => openAdmin(browser!, server!, shop),
  };
}
