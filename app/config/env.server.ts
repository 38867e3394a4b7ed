import { z } from "zod";

// Configuration comes only from the environment, checked once at start with clear errors.
const EnvSchema = z.object({
  NODE_ENV: z.enum(["development", "test", "production"]).default("development"),
  SHOPIFY_API_KEY: z.string().min(1, "SHOPIFY_API_KEY is required (the app's client id)"),
  SHOPIFY_API_SECRET: z.string().min(1, "SHOPIFY_API_SECRET is required (the app's client secret)"),
  SHOPIFY_APP_URL: z.url("SHOPIFY_APP_URL must be the app's public https URL"),
  SCOPES: z.string().optional(),
  DATABASE_URL: z.string().optional(),
  // 32 bytes, base64: encrypts SMS provider credentials at rest.
  APP_ENCRYPTION_KEY: z
    .string()
    .refine((v) => Buffer.from(v, "base64").length === 32, "APP_ENCRYPTION_KEY must be 32 bytes, base64-encoded")
    .optional(),
  SHOP_CUSTOM_DOMAIN: z.string().optional(),
  // Development-only way into the admin from a plain browser (app/admin/dev-login.server.ts).
  DEV_ADMIN_LOGIN: z.enum(["0", "1"]).optional(),
});

export type AppEnv = z.infer<typeof EnvSchema>;

export function loadEnv(source: Record<string, string | undefined> = process.env): AppEnv {
  const parsed = EnvSchema.safeParse(source);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `  - ${i.path.join(".")}: ${i.message}`).join("\n");
    throw new Error(`Invalid configuration:\n${problems}\nSee README.md, "Configuration".`);
  }
  if (parsed.data.NODE_ENV === "production" && !parsed.data.APP_ENCRYPTION_KEY) {
    throw new Error("Invalid configuration:\n  - APP_ENCRYPTION_KEY: required in production");
  }
  if (parsed.data.NODE_ENV === "production" && parsed.data.DEV_ADMIN_LOGIN === "1") {
    throw new Error("Invalid configuration:\n  - DEV_ADMIN_LOGIN: the development login must never be enabled in production");
  }
  return parsed.data;
}
