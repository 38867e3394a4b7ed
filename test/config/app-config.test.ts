import { existsSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadEnv } from "../../app/config/env.server";
import { resolveDatabaseTarget } from "../../app/config/database-url";
import { appTomlWebhooks } from "../support/toml";

const root = path.resolve(import.meta.dirname, "../..");

describe("app configuration", () => {
  it("loads the Shopify app with the pinned API version that shopify.app.toml declares", async () => {
    const { default: shopify, API_VERSION } = await import("../../app/shopify.server");
    expect(API_VERSION).toBe("2026-10");
    expect(appTomlWebhooks().apiVersion).toBe(API_VERSION);
    expect(typeof shopify.authenticate.admin).toBe("function");
    expect(typeof shopify.authenticate.webhook).toBe("function");
  });

  it("subscribes to every topic the mission needs, each to a route that exists", () => {
    const { subscriptions } = appTomlWebhooks();
    const topics = subscriptions.flatMap((s) => s.topics).sort();
    expect(topics).toEqual(
      [
        "app/uninstalled",
        "checkouts/create",
        "checkouts/update",
        "customers/create",
        "customers/data_request",
        "customers/delete",
        "customers/redact",
        "customers/update",
        "inventory_levels/update",
        "orders/cancelled",
        "orders/create",
        "orders/paid",
        "orders/updated",
        "products/create",
        "products/delete",
        "products/update",
        "shop/redact",
      ].sort(),
    );
    for (const { uri } of subscriptions) {
      const file = path.join(root, "app/routes", `${uri.slice(1).replaceAll("/", ".")}.tsx`);
      expect(existsSync(file), `${uri} → ${file}`).toBe(true);
    }
  });

  it("refuses to start with missing or invalid settings, naming each problem", () => {
    expect(() => loadEnv({ NODE_ENV: "development" })).toThrow(/SHOPIFY_API_KEY[\s\S]*SHOPIFY_API_SECRET[\s\S]*SHOPIFY_APP_URL/);
    expect(() =>
      loadEnv({ SHOPIFY_API_KEY: "k", SHOPIFY_API_SECRET: "s", SHOPIFY_APP_URL: "https://a.example", APP_ENCRYPTION_KEY: "short" }),
    ).toThrow(/APP_ENCRYPTION_KEY must be 32 bytes/);
    expect(() =>
      loadEnv({ NODE_ENV: "production", SHOPIFY_API_KEY: "k", SHOPIFY_API_SECRET: "s", SHOPIFY_APP_URL: "https://a.example" }),
    ).toThrow(/APP_ENCRYPTION_KEY: required in production/);
    const env = loadEnv({ SHOPIFY_API_KEY: "k", SHOPIFY_API_SECRET: "s", SHOPIFY_APP_URL: "https://a.example" });
    expect(env.NODE_ENV).toBe("development");
  });

  it("chooses the database profile from DATABASE_URL", () => {
    expect(resolveDatabaseTarget("")).toMatchObject({ provider: "sqlite", url: expect.stringMatching(/^file:\/.*dev\.sqlite$/) });
    expect(resolveDatabaseTarget("file:./x.sqlite").url).toBe(`file:${path.resolve("x.sqlite")}`);
    expect(resolveDatabaseTarget("postgres://u@h/db")).toEqual({ provider: "postgresql", url: "postgres://u@h/db" });
    expect(resolveDatabaseTarget("postgresql://u@h/db").provider).toBe("postgresql");
    expect(() => resolveDatabaseTarget("mysql://u@h/db")).toThrow(/DATABASE_URL must be/);
  });
});
