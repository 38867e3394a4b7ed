import type { AdminGraphql } from "../shopify-admin/graphql.server";

// The bulk operation protocol of the GraphQL Admin API (see
// test/fixtures/shopify/graphql/SOURCES.md): start a query, read its status by id, fetch the
// JSONL it leaves at `url`.

export interface BulkOperation {
  id: string;
  status: string; // CREATED | RUNNING | COMPLETED | FAILED | CANCELING | CANCELED | EXPIRED
  errorCode: string | null;
  objectCount: string | null;
  rootObjectCount: string | null;
  url: string | null;
  partialDataUrl: string | null;
}

const FIELDS = "id status errorCode objectCount rootObjectCount url partialDataUrl";

const RUN = `#graphql
mutation SyncBulkQuery($query: String!) {
  bulkOperationRunQuery(query: $query, groupObjects: true) {
    bulkOperation { ${FIELDS} }
    userErrors { field message code }
  }
}`;

const STATUS = `#graphql
query SyncBulkStatus($id: ID!) {
  node(id: $id) { ... on BulkOperation { ${FIELDS} } }
}`;

export type StartResult =
  | { kind: "started"; operation: BulkOperation }
  /** Another bulk query of this app is still running on the shop: try again later. */
  | { kind: "busy"; message: string };

/** A refusal Shopify gives while the shop's bulk query slots are taken. */
const BUSY = /already in progress|OPERATION_IN_PROGRESS|LIMIT_REACHED|already running/i;

export class BulkQueryRefused extends Error {}

export async function startBulkQuery(admin: AdminGraphql, shop: string, query: string): Promise<StartResult> {
  const data = await admin<{
    bulkOperationRunQuery: {
      bulkOperation: BulkOperation | null;
      userErrors: { field: string[] | null; message: string; code?: string | null }[];
    };
  }>(shop, RUN, { query });
  const { bulkOperation, userErrors } = data.bulkOperationRunQuery;
  if (bulkOperation && !userErrors.length) return { kind: "started", operation: bulkOperation };
  const message = userErrors.map((e) => `${e.code ?? ""} ${e.message}`.trim()).join("; ") || "no bulk operation";
  if (userErrors.some((e) => BUSY.test(`${e.code ?? ""} ${e.message}`))) return { kind: "busy", message };
  throw new BulkQueryRefused(message);
}

export async function bulkOperationStatus(admin: AdminGraphql, shop: string, id: string): Promise<BulkOperation> {
  const data = await admin<{ node: BulkOperation | null }>(shop, STATUS, { id });
  if (!data.node) throw new BulkQueryRefused(`bulk operation ${id} not found`);
  return data.node;
}

/** Statuses after which an operation changes no more. */
export const FINISHED = new Set(["COMPLETED", "FAILED", "CANCELED", "EXPIRED"]);
