// Subscribed in shopify.app.toml; see app/webhooks/ingest.server.ts for what happens here.
export { webhookAction as action } from "../runtime/webhook-action.server";
