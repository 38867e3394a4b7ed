import type { ActionFunctionArgs } from "@remix-run/node";
import db from "../db.server";
import { queue } from "./job-engine.server";
import { authenticate } from "../shopify.server";
import { ingestWebhook } from "../webhooks/ingest.server";

/** Every webhook route's action: the routes differ only in the URL Shopify posts to. */
export const webhookAction = ({ request }: ActionFunctionArgs) =>
  ingestWebhook(request, { authenticate: authenticate.webhook, db, queue });
