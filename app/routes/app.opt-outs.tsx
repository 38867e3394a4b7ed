import { type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { Banner, BlockStack, Button, IndexTable, InlineStack, Page, Text } from "@shopify/polaris";
import { invalid } from "../admin/form-result";
import { requireShop } from "../admin/auth.server";
import { formFields } from "../field-errors";
import { formatDateTime } from "../admin/format";
import { possibleOptOuts, reviewPossibleOptOut } from "../admin/opt-outs.server";
import db from "../db.server";
import { services } from "../runtime/services.server";
import { EmptyList, ListCard } from "../components/ListCard";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await requireShop(request);
  return { rows: await possibleOptOuts(db, shop.id), timeZone: shop.ianaTimezone };
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop } = await requireShop(request);
  const result = await reviewPossibleOptOut(services(), shop.id, formFields(await request.formData()));
  // Reviewed in another tab or by a colleague since the page loaded: the row changed under the merchant.
  return result.ok ? result : invalid({ form: result.notice }, result, 409);
};

export default function OptOuts() {
  const { rows, timeZone } = useLoaderData<typeof loader>();
  const outcome = useActionData<typeof action>();
  const busy = useNavigation().state !== "idle";
  return (
    <Page
      title="Possible opt-outs"
      subtitle="Replies that may ask you to stop texting but aren't certain. The law asks you to honour any reasonable request within ten business days: confirm or keep each one."
    >
      <BlockStack gap="400">
        {outcome && <Banner tone={outcome.ok ? "success" : "warning"}>{outcome.notice}</Banner>}
        <ListCard
          resourceName={{ singular: "reply", plural: "replies" }}
          itemCount={rows.length}
          headings={["Received", "From", "Reply", ""]}
          empty={
            <EmptyList heading="Nothing to review">
              <p>
                Clear opt-outs (STOP, “Stop.”, REVOKE, “stop texting me”…) are honoured at once and never land here.
              </p>
            </EmptyList>
          }
        >
          {rows.map((r, i) => (
            <IndexTable.Row id={r.id} key={r.id} position={i}>
              <IndexTable.Cell>{formatDateTime(r.at, timeZone)}</IndexTable.Cell>
              <IndexTable.Cell>
                {r.customerId ? <Link to={`/app/shoppers/${r.customerId}`}>{r.phone}</Link> : r.phone}
              </IndexTable.Cell>
              <IndexTable.Cell>
                <Text as="span">{r.body}</Text>
              </IndexTable.Cell>
              <IndexTable.Cell>
                <InlineStack gap="200" wrap={false}>
                  <ReviewButton messageId={r.id} intent="confirm" busy={busy} />
                  <ReviewButton messageId={r.id} intent="dismiss" busy={busy} />
                </InlineStack>
              </IndexTable.Cell>
            </IndexTable.Row>
          ))}
        </ListCard>
      </BlockStack>
    </Page>
  );
}

function ReviewButton({
  messageId,
  intent,
  busy,
}: {
  messageId: string;
  intent: "confirm" | "dismiss";
  busy: boolean;
}) {
  return (
    <Form method="post">
      <input type="hidden" name="messageId" value={messageId} />
      <input type="hidden" name="intent" value={intent} />
      {intent === "confirm" ? (
        <Button submit variant="primary" tone="critical" loading={busy}>
          Opt out
        </Button>
      ) : (
        <Button submit loading={busy}>
          Keep as reply
        </Button>
      )}
    </Form>
  );
}
