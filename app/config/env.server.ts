import { z } from "zod";
import { resolveDatabaseTarget } from "./database-url";
import { log } from "../observability/log.server";

const positiveInt = (name: string) =>
  z.coerce.number().int(`${name} must be a whole number`).positive(`${name} must be positive`);

// Configuration comes only from the environment, checked once at start with clear errors.
// Every variable the app or the worker reads is listed here, so a typo fails at start
// rather than at the first job that needs it.
const EnvSchema = z.object({
  NODE_ENV: z.enum(["development", "test", "production"]).default("development"),
  SHOPIFY_API_KEY: z
    .string("SHOPIFY_API_KEY is required (the app's client id)")
    .min(1, "SHOPIFY_API_KEY is required (the app's client id)"),
  SHOPIFY_API_SECRET: z
    .string("SHOPIFY_API_SECRET is required (the app's client secret)")
    .min(1, "SHOPIFY_API_SECRET is required (the app's client secret)"),
  SHOPIFY_APP_URL: z.url("SHOPIFY_APP_URL must be the app's public https URL"),
  SCOPES: z.string().optional(),
  DATABASE_URL: z
    .string()
    .optional()
    .refine((v) => {
      try {
        resolveDatabaseTarget(v);
        return true;
      } catch {
        return false;
      }
    }, "DATABASE_URL must be unset, a file: URL (SQLite) or a postgres:// URL (PostgreSQL)"),
  DATABASE_POOL_SIZE: positiveInt("DATABASE_POOL_SIZE").optional(),
  JOB_ENGINE: z.enum(["pg-boss", "table"], "JOB_ENGINE must be pg-boss or table").optional(),
  // pg-boss: a job whose worker stopped heartbeating (killed, host lost) is retried after about this long.
  JOB_HEARTBEAT_SECONDS: positiveInt("JOB_HEARTBEAT_SECONDS")
    .min(10, "JOB_HEARTBEAT_SECONDS must be at least 10")
    .optional(),
  // pg-boss: jobs one worker process runs at once, per queue (default 1).
  JOB_CONCURRENCY: positiveInt("JOB_CONCURRENCY").optional(),
  SEND_CONCURRENCY: positiveInt("SEND_CONCURRENCY").optional(),
  // How long one call to the SMS provider may take before it counts as unreachable (and is looked up before any resend).
  SMS_PROVIDER_TIMEOUT_MS: positiveInt("SMS_PROVIDER_TIMEOUT_MS").optional(),
  LOG_LEVEL: z.enum(["debug", "info", "warn", "error"], "LOG_LEVEL must be debug, info, warn or error").optional(),
  SEGMENT_SWEEP_INTERVAL_MS: positiveInt("SEGMENT_SWEEP_INTERVAL_MS").optional(),
  // How far back the day-one sync fetches orders (default 730 days: two years).
  SYNC_ORDER_DAYS: positiveInt("SYNC_ORDER_DAYS").optional(),
  // Days a processed (or rejected) webhook's raw body is kept before the retention job empties
  // it. At most 30: Shopify expects a customers/redact to be honoured within 30 days,
  // and a body older than that would still name the shopper (docs/SECURITY.md).
  WEBHOOK_RETENTION_DAYS: positiveInt("WEBHOOK_RETENTION_DAYS")
    .max(30, "WEBHOOK_RETENTION_DAYS must be at most 30 (Shopify's redaction deadline)")
    .default(7),
  // Development only: an Admin API at another address (the simulated store's stand-in).
  SHOPIFY_ADMIN_API_ORIGIN: z.string().url().optional(),
  // 32 bytes, base64: seals SMS provider credentials and Shopify session tokens at rest.
  APP_ENCRYPTION_KEY: z
    .string()
    .refine((v) => Buffer.from(v, "base64").length === 32, "APP_ENCRYPTION_KEY must be 32 bytes, base64-encoded")
    .optional(),
  // Comma-separated keys that still open values sealed before a rotation (docs/SECURITY.md).
  APP_ENCRYPTION_PREVIOUS_KEYS: z
    .string()
    .refine(
      (v) =>
        v
          .split(",")
          .map((k) => k.trim())
          .filter(Boolean)
          .every((k) => Buffer.from(k, "base64").length === 32),
      "APP_ENCRYPTION_PREVIOUS_KEYS must be comma-separated 32-byte base64 keys",
    )
    .optional(),
  SHOP_CUSTOM_DOMAIN: z.string().optional(),
  // Development-only way into the admin from a plain browser (app/admin/dev-login.server.ts).
  DEV_ADMIN_LOGIN: z.enum(["0", "1"]).optional(),
});

export type AppEnv = z.infer<typeof EnvSchema>;

export function loadEnv(source: Record<string, string | undefined> = process.env): AppEnv {
  const parsed = EnvSchema.safeParse(source);
  const problems = parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
  if (parsed.success) {
    const env = parsed.data;
    // Production runs several processes against one database and one job engine: that is
    // PostgreSQL (pg-boss). Sealed provider credentials need the key.
    if (env.NODE_ENV === "production") {
      if (!env.APP_ENCRYPTION_KEY) problems.push("APP_ENCRYPTION_KEY: required in production");
      if (!/^postgres(ql)?:\/\//.test(env.DATABASE_URL ?? ""))
        problems.push("DATABASE_URL: a postgres:// URL is required in production");
      if (env.DEV_ADMIN_LOGIN === "1")
        problems.push("DEV_ADMIN_LOGIN: the development login must never be enabled in production");
      if (env.SHOPIFY_ADMIN_API_ORIGIN)
        problems.push("SHOPIFY_ADMIN_API_ORIGIN: the Admin API stand-in is for development only");
    }
    if (env.JOB_ENGINE === "pg-boss" && resolveDatabaseTarget(env.DATABASE_URL).provider !== "postgresql") {
      problems.push("JOB_ENGINE: pg-boss needs a PostgreSQL DATABASE_URL");
    }
  }
  if (problems.length) throw new ConfigError(problems);
  return parsed.data!;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}\nSee README.md, "Configuration".`);
  }
}

/**
 * For process entry points (web server, worker): the checked configuration, or the list of
 * problems on stderr and exit code 1, before anything connects anywhere.
 */
export function loadEnvOrExit(source: Record<string, string | undefined> = process.env): AppEnv {
  try {
    return loadEnv(source);
  } catch (error) {
    if (!(error instanceof ConfigError) || source.NODE_ENV === "test") throw error;
    log.error("invalid configuration: not starting", { problems: error.problems, help: 'README.md, "Configuration"' });
    process.exit(1);
  }
}
