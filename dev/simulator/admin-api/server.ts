import { createServer, type IncomingMessage, type Server } from "node:http";
import { API_VERSION } from "../../../app/api-version";
import { resourceOfQuery } from "../../../app/sync/resources";
import type { SyncResource } from "../../../app/sync/resources";

/** What the stand-in serves per shop: a bulk query's result lines (a StoreSnapshot, or a bench's synthetic store). */
export interface StoreLines {
  lines(resource: SyncResource, o: { ordersSince?: Date }): Record<string, unknown>[];
  /**
   * The result already serialised, if the store keeps it: a bench builds its store's files
   * before its clock starts, as Shopify runs a bulk query on its own servers (bench/sync-stand-in).
   */
  result?(resource: SyncResource, o: { ordersSince?: Date }): BulkResult;
}

/** A bulk query's result file (JSONL) with its object and root counts. */
export interface BulkResult {
  file: Buffer;
  objects: number;
  roots: number;
}

export const bulkResult = (lines: Record<string, unknown>[]): BulkResult => ({
  file: Buffer.from(lines.map((l) => `${JSON.stringify(l)}\n`).join("")),
  objects: lines.length,
  roots: lines.filter((l) => !("__parentId" in l)).length,
});

/**
 * A local stand-in for Shopify's GraphQL Admin API on 127.0.0.1, speaking the bulk operation
 * protocol: `bulkOperationRunQuery` (one bulk query at a time per shop, refused with a user
 * error otherwise), the operation's status by `node(id:)` or `currentBulkOperation` (CREATED →
 * RUNNING → COMPLETED over successive checks), and the JSONL result at its `url`. Every answer
 * carries the `extensions.cost` block ordinary queries are throttled by. Requests without an
 * access token are refused with 401, as Shopify does. A shop's endpoint is
 * `<origin>/shops/<shop domain>/admin/api/<version>/graphql.json` (see http-client.server.ts).
 */
export interface AdminApiStandIn {
  origin: string;
  /** Every GraphQL request received, for assertions. */
  requests: { shop: string; query: string; variables: Record<string, unknown> }[];
  /** Operations finished so far (for the bulk_operations/finish webhook a test may send). */
  finished: { shop: string; id: string; status: string }[];
  /** Result downloads received, by the first byte asked for (0: the whole file). */
  downloads: { from: number }[];
  close(): Promise<void>;
}

interface Operation {
  id: string;
  shop: string;
  status: "CREATED" | "RUNNING" | "COMPLETED" | "FAILED";
  checks: number;
  /** Lines in the result, and the result file itself (JSONL), built once when the query starts. */
  objects: number;
  file: Buffer;
  roots: number;
  createdAt: string;
  completedAt: string | null;
  errorCode: string | null;
}

export interface StandInOptions {
  /** The store behind each shop domain. */
  stores: Record<string, StoreLines>;
  /** Status checks an operation stays CREATED/RUNNING before completing (default 1). */
  checksToFinish?: number;
  /** Called when an operation finishes (the app may be sent bulk_operations/finish). */
  onFinish?: (op: { shop: string; id: string; status: string; createdAt: string; completedAt: string }) => void;
  /** Make the operation for this resource fail with this error code (tests of the failure path). */
  failResource?: { resource: string; errorCode: string };
  /** Port on 127.0.0.1 (default: any free one). */
  port?: number;
}

let nextOperation = 147595010;

export async function startAdminApiStandIn(o: StandInOptions): Promise<AdminApiStandIn> {
  const operations = new Map<string, Operation>();
  const requests: AdminApiStandIn["requests"] = [];
  const finished: AdminApiStandIn["finished"] = [];
  const downloads: AdminApiStandIn["downloads"] = [];
  let origin = "";

  const bulkFields = (op: Operation) => ({
    id: op.id,
    status: op.status,
    errorCode: op.errorCode,
    createdAt: op.createdAt,
    completedAt: op.completedAt,
    objectCount: String(op.status === "COMPLETED" ? op.objects : Math.floor(op.objects / 2)),
    rootObjectCount: String(op.status === "COMPLETED" ? op.roots : Math.floor(op.roots / 2)),
    fileSize: op.status === "COMPLETED" ? String(op.file.length) : null,
    url: op.status === "COMPLETED" && op.objects ? `${origin}/bulk/${encodeURIComponent(op.id)}.jsonl` : null,
    partialDataUrl: null,
  });

  const check = (op: Operation) => {
    if (op.status === "COMPLETED" || op.status === "FAILED") return;
    op.checks++;
    if (op.checks < (o.checksToFinish ?? 1)) {
      op.status = "RUNNING";
      return;
    }
    op.status = op.errorCode ? "FAILED" : "COMPLETED";
    op.completedAt = new Date().toISOString();
    finished.push({ shop: op.shop, id: op.id, status: op.status });
    o.onFinish?.({ shop: op.shop, id: op.id, status: op.status, createdAt: op.createdAt, completedAt: op.completedAt });
  };

  const graphql = (shop: string, query: string, variables: Record<string, unknown>) => {
    if (query.includes("bulkOperationRunQuery")) {
      const bulkQuery = String(variables.query ?? "");
      const running = [...operations.values()].find(
        (op) => op.shop === shop && (op.status === "CREATED" || op.status === "RUNNING"),
      );
      if (running)
        return {
          bulkOperationRunQuery: {
            bulkOperation: null,
            userErrors: [
              {
                field: null,
                code: "OPERATION_IN_PROGRESS",
                message: `A bulk query operation for this app and shop is already in progress: ${running.id}.`,
              },
            ],
          },
        };
      const resource = resourceOfQuery(bulkQuery);
      const store = o.stores[shop];
      if (!resource || !store)
        return {
          bulkOperationRunQuery: {
            bulkOperation: null,
            userErrors: [{ field: ["query"], code: "INVALID", message: "Invalid bulk query: no connection found." }],
          },
        };
      const since = /processed_at:>='([^']+)'/.exec(bulkQuery)?.[1];
      const filter = { ordersSince: since ? new Date(since) : undefined };
      // Serialised once: the status checks and every download (a resumed step asks again)
      // used to join the lines anew, a 100k-customer result two or three times.
      const result = store.result?.(resource, filter) ?? bulkResult(store.lines(resource, filter));
      const op: Operation = {
        id: `gid://shopify/BulkOperation/${++nextOperation}`,
        shop,
        status: "CREATED",
        checks: 0,
        ...result,
        createdAt: new Date().toISOString(),
        completedAt: null,
        errorCode: o.failResource?.resource === resource ? o.failResource.errorCode : null,
      };
      operations.set(op.id, op);
      return { bulkOperationRunQuery: { bulkOperation: bulkFields(op), userErrors: [] } };
    }
    if (query.includes("currentBulkOperation")) {
      const op = [...operations.values()].filter((x) => x.shop === shop).at(-1);
      if (op) check(op);
      return { currentBulkOperation: op ? bulkFields(op) : null };
    }
    if (/\bnode\s*\(/.test(query)) {
      const op = operations.get(String(variables.id));
      if (!op || op.shop !== shop) return { node: null };
      check(op);
      return { node: bulkFields(op) };
    }
    return null;
  };

  const server: Server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? "/", "http://127.0.0.1");
      const bulk = /^\/bulk\/(.+)\.jsonl$/.exec(url.pathname);
      if (req.method === "GET" && bulk) {
        const op = operations.get(decodeURIComponent(bulk[1]!));
        if (!op || op.status !== "COMPLETED") return void res.writeHead(404).end();
        // The result file's host (Google Cloud Storage) answers `Range: bytes=N-` with 206.
        const { file } = op;
        const from = Number(/^bytes=(\d+)-$/.exec(req.headers.range ?? "")?.[1] ?? 0);
        downloads.push({ from });
        if (!from) return void res.writeHead(200, { "Content-Type": "application/jsonl" }).end(file);
        if (from >= file.length) return void res.writeHead(416, { "Content-Range": `bytes */${file.length}` }).end();
        res.writeHead(206, {
          "Content-Type": "application/jsonl",
          "Content-Range": `bytes ${from}-${file.length - 1}/${file.length}`,
        });
        return void res.end(file.subarray(from));
      }
      // Shopify knows the shop by its host name; the stand-in, one host for every shop, by the path.
      const shop = new RegExp(`^/shops/([^/]+)/admin/api/${API_VERSION}/graphql\\.json$`).exec(url.pathname)?.[1];
      if (req.method !== "POST" || !shop) return void res.writeHead(404).end();
      if (!req.headers["x-shopify-access-token"])
        return void res
          .writeHead(401, { "Content-Type": "application/json" })
          .end(
            JSON.stringify({ errors: "[API] Invalid API key or access token (unrecognized login or wrong password)" }),
          );
      const { query, variables = {} } = JSON.parse(await body(req)) as {
        query: string;
        variables?: Record<string, unknown>;
      };
      requests.push({ shop, query, variables });
      const data = graphql(shop, query, variables);
      const cost = { requestedQueryCost: 10, actualQueryCost: 10, throttleStatus: throttle() };
      // Anything but the bulk protocol is outside what this app may do here (as a missing scope would be).
      if (!data)
        return void res
          .writeHead(403, { "Content-Type": "application/json" })
          .end(JSON.stringify({ errors: "The stand-in answers only the bulk operation protocol" }));
      res.writeHead(200, { "Content-Type": "application/json" });
      res.end(JSON.stringify({ data, extensions: { cost } }));
    })().catch((error: unknown) => res.writeHead(500).end(String(error)));
  });
  // Longer than a client's idle keep-alive: a sync step that writes for a while and then asks
  // again must not meet a connection closed under its request (ECONNRESET).
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve) => server.listen(o.port ?? 0, "127.0.0.1", resolve));
  const address = server.address();
  origin = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
  return {
    origin,
    requests,
    finished,
    downloads,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A full bucket that refills at once: the stand-in never throttles, but says how it would. */
const throttle = () => ({ maximumAvailable: 2000.0, currentlyAvailable: 1990, restoreRate: 100.0 });

async function body(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}
