import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { MarketingSignup, NO_TERMS, signUpForMarketing, signupDisclosure } from "../commerce/marketing-signup.server";
import { readStorefrontForm, storefrontRead } from "../runtime/storefront-form.server";
import { services } from "../runtime/services.server";

// What the theme block (extensions/restock-signup/blocks/sms-signup.liquid) shows next to its
// checkbox: the published disclosure a sign-up records, and its version for the post to name.
// Rate-limited per shopper address like the posts (storefrontRead), on a budget of its own.
export async function loader({ request }: LoaderFunctionArgs) {
  const shop = await storefrontRead(request);
  if (!shop.ok) return shop.response;
  const disclosure = await signupDisclosure(services().db, shop.id, shop.now);
  if (!disclosure) return Response.json({ error: NO_TERMS }, { status: 409 });
  return Response.json(
    { wording: disclosure.text, version: disclosure.id },
    { headers: { "Cache-Control": "no-store" } },
  );
}

// The storefront's SMS sign-up form, posted to /apps/sms/subscribe through Shopify's app proxy. Signature,
// shop, limits and shape: readStorefrontForm. Nothing is subscribed until the shopper replies Y.
export async function action({ request }: ActionFunctionArgs) {
  const signup = await readStorefrontForm(request, MarketingSignup);
  if (!signup.ok) return signup.response;
  const { shopId, form, loggedInCustomerId, now } = signup;
  const result = await signUpForMarketing(services(), { shopId, form, loggedInCustomerId, now });
  if (!result.ok) return Response.json({ error: result.reason }, { status: result.status });
  return Response.json({ ok: true, message: "Almost done: reply Y to the text we just sent to confirm." });
}
