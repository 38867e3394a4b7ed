import db from "../db.server";
import { systemClock, type Clock } from "../clock";
import { queue } from "./job-engine.server";
import { secretBoxFromEnv } from "../security/secrets.server";
import type { AppServices } from "../services";
import { ProviderRegistry } from "../sms/registry.server";
import { SendPacer } from "../sms/send-pacer";
import { shopifyAdminGraphql } from "./shopify-admin-graphql.server";
import { httpAdminGraphql } from "../shopify-admin/http-client.server";

/** The process's provider registry and send pacer (web process: callbacks; worker: sends). */
export const providers = new ProviderRegistry(db, secretBoxFromEnv());
export const pacer = new SendPacer();
/** The one clock of the process: routes and workers read the time here (tests bring a fake one in their own services). */
export const clock: Clock = systemClock;
export const appUrl = () => process.env.SHOPIFY_APP_URL ?? "http://localhost:3000";
export const services = (): AppServices => ({
  db,
  clock,
  queue,
  providers,
  pacer,
  appUrl: appUrl(),
  admin: adminGraphql(),
});

/** Shopify's Admin API, or in development the simulated store's stand-in (SHOPIFY_ADMIN_API_ORIGIN). */
const adminGraphql = () =>
  process.env.SHOPIFY_ADMIN_API_ORIGIN
    ? httpAdminGraphql({ origin: process.env.SHOPIFY_ADMIN_API_ORIGIN, accessToken: "shpat_development" })
    : shopifyAdminGraphql;
