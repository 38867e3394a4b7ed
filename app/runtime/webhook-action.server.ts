import type { ActionFunctionArgs } from "@remix-run/node";
import db from "../db.server";
import { queue } from "./job-engine.server";
import { verifyWebhook } from "./shopify.server";
import { ingestWebhook } from "../webhooks/ingest.server";

/**
 * Every webhook route's action: the routes differ only in the URL Shopify posts to. Verified
 * with `verifyWebhook` (authenticate.webhook's checks without its session lookup).
 */
export const webhookAction = ({ request }: ActionFunctionArgs) =>
  ingestWebhook(request, { verify: verifyWebhook, db, queue });
