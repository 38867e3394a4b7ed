import { describe, expect, it } from "vitest";
import db from "../../app/db.server";
import { formatDateTime } from "../../app/admin/format";
import { shopAfterCampaign } from "../support/campaign-shop";
import { adminInBrowser, screenshot } from "./harness";
import { devOfflineSession } from "../../app/admin/dev-login.server";
import { sessionStorage } from "../../app/runtime/shopify.server";

describe("campaigns in Chromium", () => {
  const app = adminInBrowser();

  it("composes a campaign to a segment, sees the estimate, schedules it and finds it listed as scheduled; shows results, messages and a shopper", async () => {
    // A shop that already sent one campaign (delivered, held, a click and a reply), seeded through signed webhooks and the worker.
    const { shop, segment, campaign: sent, customers } = await shopAfterCampaign("e2e-campaigns");
    // The admin client above stood in for Shopify's install; the development login opens only shops it installed itself.
    await sessionStorage.storeSession(devOfflineSession(shop.domain));
    const page = await app.open(shop.domain);

    await page.goto(`${app.url}/app/campaigns`);
    await page.getByRole("link", { name: "Weekend sale" }).waitFor();

    await page.getByRole("link", { name: "New campaign" }).first().click();
    await page.waitForURL(/\/app\/campaigns\/new$/);
    await page.getByLabel("Campaign name").fill("Restock alert");
    await page.getByLabel("Segment").selectOption(segment.id);
    await page.getByLabel("Message").fill("Hi {{ first_name }}, the cold brew is back!");
    await page.getByText("4 recipients").waitFor({ timeout: 15_000 });
    expect(await page.getByText(/1 left out \(no SMS consent/).isVisible()).toBe(true);
    await page.getByText(/^Schedule \(UTC time\)/).click(); // Polaris draws its own radio over the input
    const when = page.getByLabel(/^Send at/);
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    await when.fill(`${tomorrow}T10:00`);
    // The estimate follows the chosen time: at 10:00 UTC it is night in San Francisco, day in Kuala Lumpur.
    await page
      .getByText(`At ${formatDateTime(`${tomorrow}T10:00:00Z`, "UTC")}: 3 held for quiet hours`)
      .waitFor({ timeout: 15_000 });
    await screenshot(page, "campaign-compose");

    await page.getByRole("button", { name: "Schedule campaign" }).click();
    await page.waitForURL(/\/app\/campaigns\/(?!new)[^/]+$/);
    await page.getByText(/Scheduled for/).waitFor();
    const scheduled = await db.campaign.findFirstOrThrow({ where: { name: "Restock alert", segmentId: segment.id } });
    expect(scheduled.status).toBe("SCHEDULED");
    expect(scheduled.scheduledAt!.toISOString()).toBe(`${tomorrow}T10:00:00.000Z`); // the shop's zone is UTC

    await page.goto(`${app.url}/app/campaigns`);
    const row = page.getByRole("row").filter({ hasText: "Restock alert" });
    await row.waitFor();
    expect(await row.getByText("Scheduled", { exact: true }).isVisible()).toBe(true);
    await screenshot(page, "campaigns-list");

    await page.goto(`${app.url}/app/campaigns/${sent.id}`);
    await page.getByText("Delivery rate").waitFor();
    await page.locator("svg rect").first().waitFor();
    await page.waitForTimeout(1500); // the bars grow in
    await screenshot(page, "campaign-page");

    await page.goto(`${app.url}/app/messages`);
    await page.getByText("held: quiet hours until 09:00 Asia/Kuching").waitFor();
    await screenshot(page, "messages");

    await page.getByRole("link", { name: "Ava Lindqvist" }).first().click();
    await page.waitForURL(new RegExp(`/app/shoppers/${customers.Ava!.id}$`));
    await page.getByText('Replied: "Love it, thanks!"').waitFor();
    await screenshot(page, "shopper-timeline");
  }, 120_000);
});
