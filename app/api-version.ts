import { ApiVersion } from "@shopify/shopify-api";

/** Pinned Admin API version; shopify.app.toml's [webhooks] api_version must match. */
export const API_VERSION = ApiVersion.October26;
