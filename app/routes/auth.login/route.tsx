import { useState } from "react";
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { AppProvider as PolarisAppProvider, Button, Card, FormLayout, Page, Text, TextField } from "@shopify/polaris";
import polarisTranslations from "@shopify/polaris/locales/en.json";
import polarisStyles from "@shopify/polaris/build/esm/styles.css?url";
import { login } from "../../runtime/shopify.server";
import { BODY_LIMITS, withBoundedBody } from "../../http/bounded-body.server";

export const links = () => [{ rel: "stylesheet", href: polarisStyles }];

function loginErrorMessage(errors: { shop?: string } | null | undefined) {
  if (errors?.shop === "MISSING_SHOP") return "Please enter your shop domain to log in";
  if (errors?.shop === "INVALID_SHOP") return "Please enter a valid shop domain to log in";
  return undefined;
}

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const errors = await login(request);
  return { errors: loginErrorMessage(errors as { shop?: string }), polarisTranslations };
};

// Anyone can post this form: its body (one shop domain) is read with a byte limit before the library parses it.
export const action = async ({ request }: ActionFunctionArgs) => {
  const bounded = await withBoundedBody(request, BODY_LIMITS.login);
  if (!bounded.ok) return bounded.response;
  const errors = await login(bounded.request);
  return { errors: loginErrorMessage(errors as { shop?: string }) };
};

export default function Auth() {
  const loaderData = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const [shop, setShop] = useState("");
  const errors = actionData?.errors ?? loaderData.errors;
  return (
    <PolarisAppProvider i18n={loaderData.polarisTranslations}>
      <Page>
        <Card>
          <Form method="post">
            <FormLayout>
              <Text variant="headingMd" as="h2">
                Log in
              </Text>
              <TextField
                type="text"
                name="shop"
                label="Shop domain"
                helpText="example.myshopify.com"
                value={shop}
                onChange={setShop}
                autoComplete="on"
                error={errors}
              />
              <Button submit>Log in</Button>
            </FormLayout>
          </Form>
        </Card>
      </Page>
    </PolarisAppProvider>
  );
}
