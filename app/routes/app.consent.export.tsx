import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireShop } from "../admin/auth.server";
import { ledgerCsv } from "../admin/consent.server";
import db from "../db.server";
import { clock } from "../runtime/services.server";

/**
 * The consent ledger as a CSV download (a resource route: no page). Streamed batch by
 * batch from the database, so a ledger of millions of facts never sits in memory. Phones
 * are full E.164: this is the merchant's own proof of consent (see ledgerCsv).
 */
export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await requireShop(request);
  const lines = ledgerCsv(db, shop.id);
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await lines.next();
      if (next.done) controller.close();
      else controller.enqueue(encoder.encode(next.value));
    },
    async cancel() {
      await lines.return(undefined);
    },
  });
  const day = clock.now().toISOString().slice(0, 10);
  return new Response(body, {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="consent-ledger-${shop.domain.replace(/\.myshopify\.com$/, "")}-${day}.csv"`,
      "Cache-Control": "no-store",
    },
  });
};
