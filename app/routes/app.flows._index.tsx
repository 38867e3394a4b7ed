import { type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { Card, EmptyState, Layout, Page } from "@shopify/polaris";
import { invalid } from "../admin/form-result";
import { notFound, requireShop } from "../admin/auth.server";
import { flowList, PERFORMANCE_DAYS } from "../admin/flows.server";
import { setFlowEnabled } from "../flows/manage.server";
import db from "../db.server";
import { FlowTable } from "../components/flows/FlowTable";
import { clock } from "../runtime/services.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await requireShop(request);
  return { flows: await flowList(shop.id, clock.now()), currency: shop.currency, days: PERFORMANCE_DAYS };
};

const ToggleInput = z.object({
  flowId: z.string().min(1),
  enabled: z.enum(["true", "false"]).transform((v) => v === "true"),
});

export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop } = await requireShop(request);
  const parsed = ToggleInput.safeParse(Object.fromEntries(await request.formData()));
  if (!parsed.success) return invalid({ form: "Choose a flow and whether to turn it on or off" });
  if (!(await setFlowEnabled({ db, shopId: shop.id, flowId: parsed.data.flowId, enabled: parsed.data.enabled })))
    notFound("Flow");
  return { ok: true, enabled: parsed.data.enabled };
};

export default function FlowsIndex() {
  const { flows, currency, days } = useLoaderData<typeof loader>();
  const builtIn = flows.filter((f) => f.builtIn);
  const custom = flows.filter((f) => !f.builtIn);
  return (
    <Page
      title="Flows"
      primaryAction={{ content: "Create flow", url: "/app/flows/new" }}
      subtitle={`Automated texts that react to what shoppers do. Numbers cover texts sent in the last ${days} days.`}
    >
      <Layout>
        <Layout.Section>
          <FlowTable title="Built-in flows" flows={builtIn} currency={currency} />
        </Layout.Section>
        <Layout.Section>
          {custom.length ? (
            <FlowTable title="Your flows" flows={custom} currency={currency} />
          ) : (
            <Card>
              <EmptyState
                heading="No flows of your own yet"
                image=""
                action={{ content: "Create flow", url: "/app/flows/new" }}
              >
                <p>
                  The built-in flows above cover abandoned checkouts, restocks, repeat buyers, win-back and welcome
                  texts: turn one on, or open it to change its texts, delays and A/B variants. For anything else, create
                  a flow of your own from a segment, an order, a restock or a new subscriber.
                </p>
              </EmptyState>
            </Card>
          )}
        </Layout.Section>
      </Layout>
    </Page>
  );
}
