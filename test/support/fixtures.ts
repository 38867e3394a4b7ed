// Tests build webhook payloads with the same Shopify-shaped builders the simulated store uses.
export * from "../../dev/simulator/shopify-payloads";
