// Tests build webhook payloads with the same Shopify-shaped builders the simulated store uses.
export * from "../../app/simulator/shopify-payloads";
