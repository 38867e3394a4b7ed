import { API_KEY, API_SECRET_KEY, APP_URL } from "@shopify/shopify-api/test-helpers";

// The app is configured exactly as in production, with Shopify's test credentials, so
// requests built by @shopify/shopify-api/test-helpers verify against it.
process.env.NODE_ENV = "test";
process.env.SHOPIFY_API_KEY = API_KEY;
process.env.SHOPIFY_API_SECRET = API_SECRET_KEY;
process.env.SHOPIFY_APP_URL = APP_URL;
process.env.SCOPES = "read_customers,write_customers,read_orders,read_products,read_inventory";
// Seals provider credentials in tests (app/runtime/services.server.ts reads it).
process.env.APP_ENCRYPTION_KEY ??= Buffer.alloc(32, 1).toString("base64");
// Tests drive the table queue with a fake clock on both databases; test/jobs/contract
// runs pg-boss itself on PostgreSQL.
process.env.JOB_ENGINE = "table";
