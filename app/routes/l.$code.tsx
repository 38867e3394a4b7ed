import { redirect, type LoaderFunctionArgs } from "@remix-run/node";
import db from "../db.server";
import { clickIntent } from "../tracking/click-intent";
import { followLink } from "../tracking/links.server";
import { clock } from "../runtime/services.server";

// A tracked short link from an SMS: public, no session, GET/HEAD only (no body is ever
// read). Redirects; only a shopper's own click is counted (see tracking/click-intent).
export async function loader({ params, request }: LoaderFunctionArgs) {
  const code = params.code ?? "";
  const link = /^[0-9A-Za-z]{8}$/.test(code)
    ? await followLink(db, { code, now: clock.now(), intent: clickIntent(request) })
    : null;
  if (!link)
    return new Response("This link has expired or does not exist.", {
      status: 404,
      headers: { "Content-Type": "text/plain; charset=utf-8" },
    });
  return redirect(link.url, {
    status: 302,
    headers: { "Cache-Control": "no-store", "Referrer-Policy": "no-referrer" },
  });
}
