import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useState } from "react";
import { BlockStack, Button, Card, FormLayout, Layout, Page, Select, Text, TextField } from "@shopify/polaris";
import { requireShop } from "../admin/auth.server";
import db from "../db.server";
import { TRIGGER_CHOICES } from "../flows/describe";
import { createFlow, definitionErrors, NewFlowInput } from "../flows/manage.server";
import { invalid } from "../admin/form-result";
import type { FieldErrors } from "../field-errors";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await requireShop(request);
  const segments = await db.segment.findMany({
    where: { shopId: shop.id, archivedAt: null },
    select: { key: true, name: true },
    orderBy: { name: "asc" },
  });
  return { segments };
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop } = await requireShop(request);
  const parsed = NewFlowInput.safeParse(Object.fromEntries(await request.formData()));
  if (!parsed.success) return invalid(definitionErrors(parsed.error));
  const flow = await createFlow(db, shop.id, parsed.data);
  if (!flow) return invalid({ segmentKey: "Choose one of your segments" });
  return redirect(`/app/flows/${flow.id}`);
};

export default function NewFlow() {
  const { segments } = useLoaderData<typeof loader>();
  const errors: FieldErrors = useActionData<typeof action>()?.errors ?? {};
  const [triggerType, setTriggerType] = useState<string>("segment_entered");
  const [segmentKey, setSegmentKey] = useState(segments[0]?.key ?? "");
  const [name, setName] = useState("");
  const bySegment = triggerType.startsWith("segment_");
  const submitting = useNavigation().state === "submitting";
  return (
    <Page title="New flow" backAction={{ content: "Flows", url: "/app/flows" }}>
      <Layout>
        <Layout.Section>
          <Card>
            <Form method="post">
              <FormLayout>
                <TextField
                  label="Name"
                  name="name"
                  value={name}
                  onChange={setName}
                  autoComplete="off"
                  error={errors.name}
                />
                <Select
                  label="Starts when"
                  name="triggerType"
                  options={TRIGGER_CHOICES}
                  value={triggerType}
                  onChange={setTriggerType}
                  error={errors.triggerType}
                />
                {bySegment && (
                  <Select
                    label="Segment"
                    name="segmentKey"
                    options={segments.map((s) => ({ label: s.name, value: s.key }))}
                    value={segmentKey}
                    onChange={setSegmentKey}
                    error={errors.segmentKey}
                  />
                )}
                <BlockStack gap="200">
                  <Text as="p" tone="subdued">
                    The flow starts off, with one text. Add delays, conditions and A/B variants in the editor, then turn
                    it on from the list.
                  </Text>
                  <Button submit variant="primary" loading={submitting}>
                    Create flow
                  </Button>
                </BlockStack>
              </FormLayout>
            </Form>
          </Card>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
