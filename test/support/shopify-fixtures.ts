import { readFileSync } from "node:fs";
import path from "node:path";

const dir = path.resolve(import.meta.dirname, "../fixtures/shopify/webhooks");

/** The raw text of Shopify's published sample payload for a topic (test/fixtures/shopify/SOURCES.md). */
export function sampleText(topic: string): string {
  return readFileSync(path.join(dir, `${topic.replaceAll("/", "-")}.json`), "utf8");
}

/**
 * Shopify's sample for a topic with some values replaced, as raw JSON text: the keys, key
 * order and every other value (ids beyond 2^53 included, digit for digit) stay as published.
 * Each replacement is a top-level key or a dotted path to an existing key, and its value is
 * written as JSON.
 */
export function sampleWith(topic: string, replace: Record<string, unknown>): string {
  let text = sampleText(topic);
  for (const [keyPath, value] of Object.entries(replace)) {
    const keys = keyPath.split(".");
    let from = 0;
    for (const key of keys.slice(0, -1)) {
      const at = text.indexOf(`"${key}": {`, from);
      if (at < 0) throw new Error(`${topic}: no object "${key}" in the sample`);
      from = at;
    }
    const last = keys.at(-1)!;
    const pattern = new RegExp(`("${last}": )(null|true|false|-?[0-9.eE+]+|"(?:[^"\\\\]|\\\\.)*")`, "y");
    const at = text.indexOf(`"${last}": `, from);
    if (at < 0) throw new Error(`${topic}: no "${keyPath}" in the sample`);
    pattern.lastIndex = at;
    const match = pattern.exec(text);
    if (!match) throw new Error(`${topic}: "${keyPath}" is not a scalar in the sample`);
    text = text.slice(0, at) + match[1] + JSON.stringify(value) + text.slice(at + match[0].length);
  }
  return text;
}
