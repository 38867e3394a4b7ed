import { describe, expect, it } from "vitest";
import db from "../../app/db.server";
import { DAY } from "../../app/clock";
import { ensureShop } from "../../app/commerce/shops.server";
import { TestShop, uniqueShop } from "../support/app";
import { customerPayload } from "../support/fixtures";
import { adminInBrowser, screenshot } from "./harness";

/** A shop whose welcome flow has texted two new subscribers in the last days, so the list has numbers. */
async function shopWithWelcomeTexts() {
  const start = new Date(Date.now() - 2 * DAY);
  start.setUTCHours(19, 0, 0, 0); // 11:00 in San Francisco, outside quiet hours
  const shop = new TestShop(uniqueShop("e2e-flows"), start);
  const { id: shopId } = await ensureShop(db, shop.domain);
  await db.flow.update({ where: { shopId_key: { shopId, key: "welcome" } }, data: { enabled: true } });
  for (const phone of ["+14155557701", "+14155557702"]) {
    await shop.deliver(
      "customers/create",
      customerPayload({ updatedAt: shop.clock.now(), smsState: "subscribed", phone }),
    );
  }
  return shop;
}

describe("flows in Chromium", () => {
  const app = adminInBrowser();

  it("turns on the abandoned-checkout flow after saying what it will do, then edits its first text with a live preview", async () => {
    const shop = await shopWithWelcomeTexts();
    const page = await app.open(shop.domain);
    await page.goto(`${app.url}/app/flows`);
    await page.getByRole("heading", { name: "Built-in flows" }).waitFor();
    const row = page.getByRole("row").filter({ hasText: "Abandoned checkout reminder" });
    expect(await row.getByText("Off", { exact: true }).isVisible()).toBe(true);
    expect(
      await page
        .getByRole("row")
        .filter({ hasText: "Welcome new subscribers" })
        .getByRole("cell", { name: "2", exact: true })
        .count(),
    ).toBeGreaterThan(0);

    await row.getByRole("button", { name: "Turn on Abandoned checkout reminder" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByText("A shopper enters the “Abandoned checkout” segment").waitFor();
    expect(await dialog.getByText("Wait 1 day").isVisible()).toBe(true);
    await screenshot(page, "flows-turn-on");
    await dialog.getByRole("button", { name: "Turn on" }).click();
    await row.getByText("On", { exact: true }).waitFor();
    await row.getByRole("button", { name: "Turn off Abandoned checkout reminder" }).waitFor();
    const shopId = (await db.shop.findUniqueOrThrow({ where: { domain: shop.domain } })).id;
    // The badge turns at once; the save lands a moment later.
    await expect
      .poll(
        async () =>
          (await db.flow.findUniqueOrThrow({ where: { shopId_key: { shopId, key: "abandoned-checkout" } } })).enabled,
      )
      .toBe(true);
    await screenshot(page, "flows-list");

    await row.getByRole("link", { name: "Edit Abandoned checkout reminder" }).click();
    await page.getByRole("heading", { name: "Abandoned checkout reminder" }).waitFor();
    const counter = page.getByTestId("sms-counter").first();
    expect(await counter.textContent()).toMatch(/GSM-7/);
    const text = page.locator("#step-0-variant-0");
    await text.fill("Hi {{ first_name }}, your cart is waiting 🛒 {{ checkout_url }}");
    await page.getByTestId("template-preview").first().getByText("Hi Ava, your cart is waiting 🛒").waitFor();
    expect(await counter.textContent()).toMatch(/2 SMS segments · UCS-2/);
    expect(await page.getByText("This text is sent as UCS-2").isVisible()).toBe(true);
    await screenshot(page, "flows-editor");

    await page.getByRole("button", { name: "Save" }).click();
    await page.getByText("Saved as version 2").waitFor();
    const saved = await db.flow.findUniqueOrThrow({ where: { shopId_key: { shopId, key: "abandoned-checkout" } } });
    expect(saved.version).toBe(2);
    expect(JSON.stringify(saved.steps)).toContain("your cart is waiting 🛒");

    // A flow of the merchant's own, from a trigger choice, lands in its editor.
    await page.goto(`${app.url}/app/flows`);
    await page.getByRole("link", { name: "Create flow" }).first().click();
    await page.getByLabel("Name").fill("VIP thank-you");
    await page.getByLabel("Segment").selectOption({ label: "Repeat buyers" });
    await page.getByRole("button", { name: "Create flow" }).click();
    await page.getByRole("heading", { name: "VIP thank-you" }).waitFor();
    expect(await page.getByText("A shopper enters the “Repeat buyers” segment").isVisible()).toBe(true);
  }, 120_000);
});
