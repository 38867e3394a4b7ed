// The ledger's states and sources as the Consent page's filters offer them (server and browser).
export const CONSENT_STATES = ["SUBSCRIBED", "UNSUBSCRIBED", "PENDING", "NOT_SUBSCRIBED", "REDACTED"] as const;
export const CONSENT_SOURCES = [
  "CHECKOUT",
  "STOREFRONT_FORM",
  "IMPORT",
  "INBOUND_KEYWORD",
  "SHOPIFY_ADMIN",
  "SHOPIFY_SYNC",
  "CARRIER",
] as const;
