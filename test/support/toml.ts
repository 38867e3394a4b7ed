import { readFileSync } from "node:fs";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "../..");

export interface Subscription {
  topics: string[];
  uri: string;
}

/** Reads shopify.app.toml's webhook section (just enough TOML for that file). */
export function appTomlWebhooks(): { apiVersion: string; subscriptions: Subscription[] } {
  const text = readFileSync(path.join(root, "shopify.app.toml"), "utf8");
  const apiVersion = /\[webhooks\][^[]*api_version\s*=\s*"([^"]+)"/.exec(text)?.[1] ?? "";
  const subscriptions: Subscription[] = [];
  for (const block of text.split("[[webhooks.subscriptions]]").slice(1)) {
    const topics = /(?:compliance_topics|topics)\s*=\s*\[([^\]]*)\]/.exec(block)?.[1] ?? "";
    const uri = /uri\s*=\s*"([^"]+)"/.exec(block)?.[1] ?? "";
    subscriptions.push({ topics: [...topics.matchAll(/"([^"]+)"/g)].map((m) => m[1]!), uri });
  }
  return { apiVersion, subscriptions };
}
