import { afterEach, describe, expect, it, vi } from "vitest";
import { handleError } from "../../app/entry.server";

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
