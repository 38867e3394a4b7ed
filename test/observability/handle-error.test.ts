import { afterEach, describe, expect, it, vi } from "vitest";
import { handleError } from "../../app/entry.server";
import { action as loginAction } from "../../app/routes/auth.login/route";

afterEach(() => vi.restoreAllMocks());

describe("uncaught loader and action errors", () => {
  it("GIVEN a loader error quoting a shopper's phone and e-mail WHEN Remix reports it THEN it is logged through the redactor, not console.error", () => {
    const written: string[] = [];
    const grab = (chunk: string | Uint8Array) => (written.push(String(chunk)), true);
    vi.spyOn(process.stdout, "write").mockImplementation(grab);
    vi.spyOn(process.stderr, "write").mockImplementation(grab);
    const consoleError = vi.spyOn(console, "error").mockImplementation(() => {});
    const request = new Request("https://sms-app.example/app/shoppers/c1?shop=s.myshopify.com");
    handleError(new Error("no customer +14155550123 (jane.doe@example.com)"), { request, params: {}, context: {} });
    const text = written.join("");
    expect(text).toContain("request failed");
    expect(text).toContain("/app/shoppers/c1");
    expect(text).not.toContain("4155550123");
    expect(text).not.toContain("jane.doe@example.com");
    expect(consoleError).not.toHaveBeenCalled();
  });

  it("GIVEN a request the browser aborted WHEN Remix reports it THEN nothing is logged", () => {
    const write = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
    const controller = new AbortController();
    controller.abort();
    const request = new Request("https://sms-app.example/app", { signal: controller.signal });
    handleError(new Error("aborted"), { request, params: {}, context: {} });
    expect(write).not.toHaveBeenCalled();
  });
});

describe("the Shopify libraries' own log lines", () => {
  it("GIVEN the login form posted WHEN shopify-app-remix logs its redirect THEN the line is the app's (JSON, redacted), not console's", async () => {
    const written: string[] = [];
    const grab = (chunk: string | Uint8Array) => (written.push(String(chunk)), true);
    vi.spyOn(process.stdout, "write").mockImplementation(grab);
    vi.spyOn(process.stderr, "write").mockImplementation(grab);
    const consoleLines = (["log", "info", "warn", "error", "debug"] as const).map((m) =>
      vi.spyOn(console, m).mockImplementation(() => {}),
    );
    const request = new Request("https://sms-app.example/auth/login", {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ shop: "log-lines" }),
    });
    await loginAction({ request, params: {}, context: {} }).catch((redirect: unknown) => redirect);
    const lines = written
      .join("")
      .split("\n")
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { level: string; msg: string; source?: string });
    expect(lines).toContainEqual(
      expect.objectContaining({
        level: "info",
        source: "shopify-library",
        msg: expect.stringMatching(/Redirecting login request/),
      }),
    );
    for (const spy of consoleLines) expect(spy).not.toHaveBeenCalled();
  });
});
