import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { BlockStack, Page } from "@shopify/polaris";
import { requireShop } from "../admin/auth.server";
import { messageLog, sourceOptions } from "../admin/messages.server";
import db from "../db.server";
import { FilterBar } from "../components/messages/FilterBar";
import { MessageTable } from "../components/messages/MessageTable";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await requireShop(request);
  const url = new URL(request.url);
  const [log, sources] = await Promise.all([messageLog(db, shop, url), sourceOptions(db, shop.id)]);
  return { ...log, sources, timeZone: shop.ianaTimezone, query: url.searchParams.toString() };
};

export default function Messages() {
  const { messages, nextCursor, filters, sources, timeZone, query } = useLoaderData<typeof loader>();
  const next = new URLSearchParams(query);
  if (nextCursor) next.set("after", nextCursor);
  return (
    <Page
      title="Messages"
      subtitle={`Every text sent and received, newest first. Times in ${timeZone}.`}
      pagination={nextCursor ? { hasNext: true, nextURL: `?${next}` } : undefined}
    >
      <BlockStack gap="400">
        <FilterBar filters={filters} sources={sources} />
        <MessageTable messages={messages} timeZone={timeZone} filtered={Object.values(filters).some(Boolean)} />
      </BlockStack>
    </Page>
  );
}
