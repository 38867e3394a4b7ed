import { isbot } from "isbot";

/**
 * Why a request for a short link arrived. Only a shopper's own "click" counts (Click row,
 * lastClickAt, "clicked" segments and flows); everything else is redirected all the same
 * but not counted:
 * - "head": a HEAD request (link checkers, some messaging apps probing the target);
 * - "preview": a link-preview or crawler agent (iMessage and WhatsApp previews, Slack,
 *   Facebook, Twitter/X, Telegram, Discord, Google…), recognised by `isbot`'s list;
 * - "prefetch": a browser or app fetching ahead of a tap, as it declares with
 *   `Sec-Purpose` / `Purpose: prefetch` (Chromium, Safari), `X-Moz: prefetch` (Firefox) or
 *   `X-Purpose: preview`.
 */
export type ClickIntent = "click" | "head" | "preview" | "prefetch";

export function clickIntent(request: Request): ClickIntent {
  if (request.method === "HEAD") return "head";
  const h = request.headers;
  const purpose = [h.get("sec-purpose"), h.get("purpose"), h.get("x-purpose"), h.get("x-moz")]
    .filter(Boolean)
    .join(" ")
    .toLowerCase();
  if (/prefetch|prerender|preview/.test(purpose)) return "prefetch";
  if (isbot(h.get("user-agent") ?? "")) return "preview";
  return "click";
}
