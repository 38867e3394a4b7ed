import { redirect, type LoaderFunctionArgs } from "@remix-run/node";
import db from "../db.server";
import { systemClock } from "../clock";
import { recordClick } from "../tracking/links.server";

// A tracked short link from an SMS: public, no session. Records the click, then redirects.
export async function loader({ params }: LoaderFunctionArgs) {
  const code = params.code ?? "";
  const url = /^[0-9A-Za-z]{8}$/.test(code) ? await recordClick(db, code, systemClock.now()) : null;
  if (!url)
    return new Response("This link has expired or does not exist.", {
      status: 404,
      headers: { "Content-Type": "text/plain; charset=utf-8" },
    });
  return redirect(url, { status: 302, headers: { "Cache-Control": "no-store", "Referrer-Policy": "no-referrer" } });
}
