import { describe, expect, it } from "vitest";
import { adminInBrowser, screenshot } from "./harness";

describe("admin in Chromium", () => {
  const app = adminInBrowser();

  it("opens the home page through the development login, with every page in the navigation", async () => {
    const page = await app.open("e2e-home.myshopify.com");
    expect(new URL(page.url()).pathname).toBe("/app");
    const nav = page.getByRole("navigation", { name: "Admin pages" });
    for (const label of ["Home", "Segments", "Flows", "Campaigns", "Messages", "Consent", "Settings"]) {
      expect(await nav.getByRole("link", { name: label }).isVisible()).toBe(true);
    }
    await screenshot(page, "home");
  });
});
