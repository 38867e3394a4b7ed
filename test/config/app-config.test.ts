import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadEnv } from "../../app/config/env.server";
import { resolveDatabaseTarget } from "../../app/config/database-url";
import { appTomlWebhooks } from "../support/toml";
import { TOPICS } from "../../app/shopify-topics";

const root = path.resolve(import.meta.dirname, "../..");

describe("app configuration", () => {
  it("loads the Shopify app with the pinned API version that shopify.app.toml declares", async () => {
    const { default: shopify, API_VERSION } = await import("../../app/runtime/shopify.server");
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
        "bulk_operations/finish",
        "checkouts/create",
        "checkouts/update",
        "customers/create",
        "customers/data_request",
        "customers/delete",
        "customers/redact",
        "customers/update",
        "customers_marketing_consent/update",
        "inventory_levels/update",
        "orders/cancelled",
        "orders/create",
        "orders/paid",
        "orders/updated",
        "products/create",
        "products/delete",
        "products/update",
        "shop/redact",
        "shop/update",
      ].sort(),
    );
    // The app's one topic list (ingest checks, writers, holds during a sync) is the same list.
    expect(Object.keys(TOPICS).sort()).toEqual(topics);
    for (const { uri } of subscriptions) {
      const file = path.join(root, "app/routes", `${uri.slice(1).replaceAll("/", ".")}.tsx`);
      expect(existsSync(file), `${uri} → ${file}`).toBe(true);
    }
  });

  it("refuses to start with missing or invalid settings, naming each problem", () => {
    expect(() => loadEnv({ NODE_ENV: "development" })).toThrow(
      /SHOPIFY_API_KEY[\s\S]*SHOPIFY_API_SECRET[\s\S]*SHOPIFY_APP_URL/,
    );
    expect(() =>
      loadEnv({
        SHOPIFY_API_KEY: "k",
        SHOPIFY_API_SECRET: "s",
        SHOPIFY_APP_URL: "https://a.example",
        APP_ENCRYPTION_KEY: "short",
      }),
    ).toThrow(/APP_ENCRYPTION_KEY must be 32 bytes/);
    expect(() =>
      loadEnv({
        NODE_ENV: "production",
        SHOPIFY_API_KEY: "k",
        SHOPIFY_API_SECRET: "s",
        SHOPIFY_APP_URL: "https://a.example",
      }),
    ).toThrow(/APP_ENCRYPTION_KEY: required in production/);
    const env = loadEnv({ SHOPIFY_API_KEY: "k", SHOPIFY_API_SECRET: "s", SHOPIFY_APP_URL: "https://a.example" });
    expect(env.NODE_ENV).toBe("development");
  });

  it("checks every setting the processes read, and production's PostgreSQL", () => {
    const base = { SHOPIFY_API_KEY: "k", SHOPIFY_API_SECRET: "s", SHOPIFY_APP_URL: "https://a.example" };
    expect(() => loadEnv({ ...base, JOB_ENGINE: "rabbit" })).toThrow(/JOB_ENGINE must be pg-boss or table/);
    expect(() => loadEnv({ ...base, LOG_LEVEL: "loud" })).toThrow(/LOG_LEVEL must be debug, info, warn or error/);
    expect(() => loadEnv({ ...base, DATABASE_POOL_SIZE: "ten" })).toThrow(/DATABASE_POOL_SIZE/);
    expect(() => loadEnv({ ...base, JOB_HEARTBEAT_SECONDS: "5" })).toThrow(/JOB_HEARTBEAT_SECONDS must be at least 10/);
    // Raw webhook bodies: 7 days by default, never past Shopify's 30-day redaction deadline.
    expect(loadEnv(base).WEBHOOK_RETENTION_DAYS).toBe(7);
    expect(loadEnv({ ...base, WEBHOOK_RETENTION_DAYS: "3" }).WEBHOOK_RETENTION_DAYS).toBe(3);
    expect(() => loadEnv({ ...base, WEBHOOK_RETENTION_DAYS: "0" })).toThrow(/WEBHOOK_RETENTION_DAYS must be positive/);
    expect(() => loadEnv({ ...base, WEBHOOK_RETENTION_DAYS: "45" })).toThrow(
      /WEBHOOK_RETENTION_DAYS must be at most 30/,
    );
    expect(() => loadEnv({ ...base, DATABASE_URL: "mysql://h/db" })).toThrow(/DATABASE_URL must be unset, a file: URL/);
    expect(() => loadEnv({ ...base, JOB_ENGINE: "pg-boss", DATABASE_URL: "file:./x.sqlite" })).toThrow(
      /pg-boss needs a PostgreSQL DATABASE_URL/,
    );
    const production = { ...base, NODE_ENV: "production", APP_ENCRYPTION_KEY: Buffer.alloc(32, 1).toString("base64") };
    expect(() => loadEnv({ ...production, DATABASE_URL: "file:./prod.sqlite" })).toThrow(
      /DATABASE_URL: a postgres:\/\/ URL is required in production/,
    );
    expect(loadEnv({ ...production, DATABASE_URL: "postgres://u@h/db", LOG_LEVEL: "warn" })).toMatchObject({
      LOG_LEVEL: "warn",
    });
  });

  it("the worker and the web server refuse to start with a bad configuration, saying why", () => {
    const env = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NODE_ENV: "production" as const,
      SHOPIFY_API_KEY: "k",
      SHOPIFY_APP_URL: "not a url",
    };
    const tsx = path.join(root, "node_modules/.bin/tsx");
    for (const entry of [["scripts/worker.ts"], ["-e", "import('./app/runtime/shopify.server.ts')"]]) {
      const run = spawnSync(tsx, entry, { cwd: root, env, encoding: "utf8", timeout: 60_000 });
      expect(run.status, entry.join(" ")).toBe(1);
      const line = JSON.parse(run.stderr.trim().split("\n").at(-1)!) as {
        level: string;
        msg: string;
        problems: string[];
      };
      expect(line).toMatchObject({ level: "error", msg: "invalid configuration: not starting" });
      expect(line.problems.join("\n")).toMatch(/SHOPIFY_API_SECRET[\s\S]*SHOPIFY_APP_URL/);
    }
  }, 120_000);

  it("chooses the database profile from DATABASE_URL", () => {
    expect(resolveDatabaseTarget("")).toMatchObject({
      provider: "sqlite",
      url: expect.stringMatching(/^file:\/.*dev\.sqlite$/),
    });
    expect(resolveDatabaseTarget("file:./x.sqlite").url).toBe(`file:${path.resolve("x.sqlite")}`);
    expect(resolveDatabaseTarget("postgres://u@h/db")).toEqual({ provider: "postgresql", url: "postgres://u@h/db" });
    expect(resolveDatabaseTarget("postgresql://u@h/db").provider).toBe("postgresql");
    expect(() => resolveDatabaseTarget("mysql://u@h/db")).toThrow(/DATABASE_URL must be/);
  });
});
