import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import { launchBrowser, openAdmin, screenshot, startAppServer, type AppServer } from "./harness";

describe("admin in Chromium", () => {
  let server: AppServer;
  let browser: Browser;
  beforeAll(async () => {
    server = await startAppServer();
    browser = await launchBrowser();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it("opens the home page through the development login, with every page in the navigation", async () => {
    const page = await openAdmin(browser, server, "e2e-home.myshopify.com");
    expect(new URL(page.url()).pathname).toBe("/app");
    const nav = page.getByRole("navigation", { name: "Admin pages" });
    for (const label of ["Home", "Segments", "Flows", "Campaigns", "Messages", "Consent", "Settings"]) {
      expect(await nav.getByRole("link", { name: label }).isVisible()).toBe(true);
    }
    await screenshot(page, "home");
  });
});
