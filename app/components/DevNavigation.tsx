import { NavLink } from "@remix-run/react";
import { Badge, Box, InlineStack, Text } from "@shopify/polaris";
import { ADMIN_PAGES } from "../admin/pages";

/** The navigation drawn when the admin runs outside Shopify with the development login. */
export function DevNavigation({ shop }: { shop: string }) {
  return (
    <Box background="bg-surface" borderBlockEndWidth="025" borderColor="border" paddingInline="400" paddingBlock="300">
      <InlineStack gap="400" blockAlign="center" wrap>
        <Text as="span" variant="headingSm">
          Segmented SMS
        </Text>
        <nav aria-label="Admin pages">
          <InlineStack gap="300">
            {ADMIN_PAGES.map((page) => (
              <NavLink
                key={page.path}
                to={page.path}
                end={page.path === "/app"}
                style={({ isActive }) => ({
                  fontWeight: isActive ? 650 : 450,
                  color: "inherit",
                  textDecoration: isActive ? "underline" : "none",
                })}
              >
                {page.label}
              </NavLink>
            ))}
          </InlineStack>
        </nav>
        <Badge tone="attention">{`Development login: ${shop}`}</Badge>
      </InlineStack>
    </Box>
  );
}
