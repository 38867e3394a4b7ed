import { describe, expect, it } from "vitest";
import { adminInBrowser, screenshot } from "./harness";
import { TestShop, uniqueShop } from "../support/app";
import { customerPayload, orderPayload } from "../support/fixtures";

const DAY = 86_400_000;

/** Shoppers in Texas and California, some ordering twice, delivered as signed webhooks. */
async function seedStore(shop: TestShop) {
  const now = shop.clock.now();
  const shoppers = [
    { firstName: "Ana", city: "Austin", province: "TX", orders: 2, phone: "+15125550101" },
    { firstName: "Hal", city: "Houston", province: "TX", orders: 3, phone: "+17135550102" },
    { firstName: "Dee", city: "Dallas", province: "TX", orders: 1, phone: "+12145550103" },
    { firstName: "Fay", city: "Fresno", province: "CA", orders: 2, phone: "+15595550104" },
  ];
  for (const s of shoppers) {
    const customer = customerPayload({
      updatedAt: now,
      province: s.province,
      city: s.city,
      firstName: s.firstName,
      lastName: "Shopper",
      phone: s.phone,
      smsState: "subscribed",
    });
    await shop.deliver("customers/create", customer);
    for (let i = 0; i < s.orders; i++)
      await shop.deliver("orders/create", orderPayload({ customer, at: new Date(now.getTime() - (i + 1) * DAY) }));
  }
}

describe("segments in Chromium", () => {
  const app = adminInBrowser();

  it("builds 'Repeat buyers in Texas', sees its live count, saves it and finds its members on the segment page", async () => {
    const shop = new TestShop(uniqueShop("e2e-segments"), new Date());
    const page = await app.open(shop.domain); // installs the shop and its built-in segments
    await seedStore(shop);
    await page.goto(`${app.url}/app/segments`);
    const repeatRow = page.getByRole("row").filter({ hasText: "Repeat buyers" }).first();
    expect(await repeatRow.textContent()).toContain("Built-in");

    await page.getByRole("link", { name: "Create segment" }).first().click();
    await page.waitForURL(/\/app\/segments\/new$/);
    await page.getByLabel("Name", { exact: true }).fill("Repeat buyers in Texas");
    // The first condition starts as "Number of orders at least 2"; add a location.
    await page.getByRole("button", { name: "Add condition" }).first().click();
    await page.getByLabel("Condition", { exact: true }).nth(1).selectOption("location");
    await page.getByLabel("Province / state code").fill("TX");
    await page.locator("#live-count", { hasText: /^2 customers$/ }).waitFor({ timeout: 15_000 });
    expect(await page.getByText("Ana Shopper").isVisible()).toBe(true);
    expect(await page.getByText("Hal Shopper").isVisible()).toBe(true);
    await screenshot(page, "segments-builder");

    await page.getByRole("button", { name: "Save segment" }).click();
    await page.waitForURL(/\/app\/segments\/(?!new)[^/]+$/);
    await page.getByRole("heading", { name: "Repeat buyers in Texas" }).waitFor();
    // Saved: the existing customers are evaluated by a backfill, whose progress the page shows.
    await page.getByText(/Evaluating existing customers: 0 of 4/).waitFor();
    await screenshot(page, "segment-page-backfilling");

    // The app has no worker in this test: the test process runs the queued backfill, and
    // the page, polling while the backfill runs, shows the members without a reload.
    shop.clock.set(new Date());
    await shop.work();
    const members = page.locator(".Polaris-IndexTable").getByRole("row").filter({ hasText: "Shopper" });
    await members.nth(1).waitFor({ timeout: 15_000 });
    expect(await page.getByText("Customers who have placed at least 2 orders and live in TX, US.").isVisible()).toBe(
      true,
    );
    expect((await members.allTextContents()).map((t) => t.split(" Shopper")[0]).sort()).toEqual(["Ana", "Hal"]);
    expect(await page.getByText("+1•••0101").isVisible()).toBe(true);
    await screenshot(page, "segment-page");

    await page.getByRole("link", { name: "Segments" }).first().click();
    await page.waitForURL(/\/app\/segments$/);
    const custom = page.getByRole("row").filter({ hasText: "Repeat buyers in Texas" });
    expect(await custom.textContent()).toMatch(/Custom\s*2\s*\+2/);
    await screenshot(page, "segments-list");
  }, 120_000);
});
