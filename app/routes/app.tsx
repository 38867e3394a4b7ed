import type { HeadersFunction, LoaderFunctionArgs } from "@remix-run/node";
import { Link, Outlet, useLoaderData, useRouteError } from "@remix-run/react";
import { boundary } from "@shopify/shopify-app-remix/server";
import { AppProvider } from "@shopify/shopify-app-remix/react";
import { NavMenu } from "@shopify/app-bridge-react";
import { PolarisVizProvider } from "@shopify/polaris-viz";
import polarisStyles from "@shopify/polaris/build/esm/styles.css?url";
import polarisVizStyles from "@shopify/polaris-viz/build/esm/styles.css?url";
import { requireShop } from "../admin/auth.server";
import { devLoginEnabled } from "../admin/dev-login.server";
import { ADMIN_PAGES } from "../admin/pages";
import { DevNavigation } from "../components/DevNavigation";

export const links = () => [
  { rel: "stylesheet", href: polarisStyles },
  { rel: "stylesheet", href: polarisVizStyles },
];

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await requireShop(request);
  // Inside Shopify's admin App Bridge draws the navigation; with the development login
  // (a plain browser, no Shopify) the page draws its own.
  return { apiKey: process.env.SHOPIFY_API_KEY || "", devShop: devLoginEnabled() ? shop.domain : null };
};

export default function App() {
  const { apiKey, devShop } = useLoaderData<typeof loader>();
  return (
    <AppProvider isEmbeddedApp={!devShop} apiKey={apiKey}>
      <PolarisVizProvider>
        {devShop ? (
          <DevNavigation shop={devShop} />
        ) : (
          <NavMenu>
            {ADMIN_PAGES.map((page, i) => (
              <Link key={page.path} to={page.path} rel={i === 0 ? "home" : undefined}>
                {page.label}
              </Link>
            ))}
          </NavMenu>
        )}
        <Outlet />
      </PolarisVizProvider>
    </AppProvider>
  );
}

// Shopify needs Remix to catch some thrown responses so its headers are included.
export function ErrorBoundary() {
  return boundary.error(useRouteError());
}

export const headers: HeadersFunction = (headersArgs) => boundary.headers(headersArgs);
