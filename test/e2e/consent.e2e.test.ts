import { describe, expect, it } from "vitest";
import db from "../../app/db.server";
import { DAY, HOUR, MINUTE } from "../../app/clock";
import { ensureShop } from "../../app/commerce/shops.server";
import { recordClick } from "../../app/tracking/links.server";
import { TestShop, uniqueShop } from "../support/app";
import { customerPayload, orderPayload } from "../support/fixtures";
import { CONTACTS_CSV as CSV, WORDING } from "../support/contacts-csv";
import { adminInBrowser, screenshot } from "./harness";

/** Two days ago a subscribed shopper got the abandoned-checkout text, clicked it and ordered: the home page has numbers. */
async function seedActivity(domain: string) {
  const shop = new TestShop(domain, new Date(Math.floor(Date.now() / DAY) * DAY - 2 * DAY + 17 * HOUR));
  const { id: shopId } = await ensureShop(db, domain);
  await db.flow.update({ where: { shopId_key: { shopId, key: "abandoned-checkout" } }, data: { enabled: true } });
  const customer = customerPayload({ updatedAt: shop.clock.now(), smsState: "subscribed", phone: "+14155550188" });
  await shop.abandonCheckout(customer);
  const link = await db.trackedLink.findFirstOrThrow({ where: { shopId } });
  shop.clock.advance(10 * MINUTE);
  await recordClick(db, link.code, shop.clock.now());
  shop.clock.advance(HOUR);
  await shop.deliver("orders/create", orderPayload({ customer, at: shop.clock.now(), total: "84.00" }));
}

describe("home, consent and settings in Chromium", () => {
  const app = adminInBrowser();

  it("imports a CSV (dry run report, then import) and finds the subscribers in the ledger", async () => {
    const domain = uniqueShop("e2e-consent");
    await seedActivity(domain);
    const page = await app.open(domain);
    page.setDefaultTimeout(20_000);

    await page.getByText("Attributed revenue", { exact: true }).waitFor();
    await page.waitForSelector("svg"); // the charts draw after hydration
    expect(await page.getByText("$84.00").first().isVisible()).toBe(true);
    await screenshot(page, "ops-home");

    await page.goto(`${app.url}/app/consent/import`);
    await page
      .locator('input[type="file"]')
      .setInputFiles({ name: "subscribers.csv", mimeType: "text/csv", buffer: Buffer.from(CSV) });
    await page.getByRole("button", { name: "Continue" }).click();
    await page.getByText("Columns of subscribers.csv").waitFor();
    expect(await page.getByLabel("Phone number").inputValue()).toBe("Phone");
    await page.getByLabel("Consent wording the contacts agreed to").fill(WORDING);
    await page.getByLabel("Country for numbers without a country code").fill("US");
    await page.getByRole("button", { name: "Check the file (dry run)" }).click();
    await page.getByText("Dry run: 3 of 7 rows can be imported").waitFor();
    for (const problem of ["Invalid number", "No consent", "Duplicate", "same number as row 2"])
      expect(await page.getByRole("cell", { name: problem, exact: true }).first().isVisible()).toBe(true);
    await screenshot(page, "ops-import-report");

    await page.getByRole("button", { name: "Import 3 contacts" }).click();
    await page.getByText("Imported 3 contacts").waitFor();
    await page.getByRole("link", { name: "See them in the ledger" }).click();
    await page.waitForURL(/\/app\/consent\?source=IMPORT/);
    await page.getByRole("link", { name: "+1•••0161" }).waitFor();
    for (const phone of ["+44•••3987", "+1•••0164"])
      expect(await page.getByRole("link", { name: phone }).isVisible()).toBe(true);
    expect(await page.content()).not.toContain("447400123987"); // masked everywhere on screen, evidence included
    await screenshot(page, "ops-consent");
  }, 90_000);

  it("settings: a test send goes to the outbox and the page says so", async () => {
    const page = await app.open(uniqueShop("e2e-settings"));
    page.setDefaultTimeout(20_000);
    await page.goto(`${app.url}/app/settings`);
    await page.getByLabel("Phone number").fill("+14155550177");
    await page.getByRole("button", { name: "Send test text" }).click();
    await page.getByText(/Test text accepted by outbox/).waitFor();
    await screenshot(page, "ops-settings");
  }, 90_000);
});
