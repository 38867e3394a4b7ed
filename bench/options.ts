import { parseArgs } from "node:util";
import type { DatabaseProvider } from "../app/config/database-url";

/** The sizes every section reads; `--quick` swaps in small ones (explicit flags still win). */
export interface BenchOptions {
  /** Segment maintenance: customers per shop; the first is the baseline, the last is swept. */
  sizes: number[];
  /** Segment maintenance: timed events per size. */
  events: number;
  /** Ingestion: webhooks per handler per load level. */
  requests: number;
  /** Ingestion: requests in flight, one load level each. */
  concurrency: number[];
  /** Dispatch: messages per worker count. */
  messages: number;
  /** Dispatch: worker processes; the first is the baseline. */
  workers: number[];
  /** Day-one sync: customers in the synced store (one order each on average). */
  syncCustomers: number;
}

const FULL = {
  sizes: "1000,100000,1000000",
  events: "100",
  requests: "1000",
  concurrency: "1,4,16,64",
  messages: "1000",
  workers: "1,2,4",
  syncCustomers: "100000",
};
const QUICK = {
  sizes: "1000,10000",
  events: "50",
  requests: "300",
  concurrency: "1,16",
  messages: "40",
  workers: "1,2",
  syncCustomers: "2000",
};

export const USAGE = `npm run bench [-- --database sqlite|postgresql] [--only ingestion,segments,dispatch,admin,sync] [--quick] [--markdown] [--profile]
  [--sizes ${FULL.sizes}] [--events ${FULL.events}] [--requests ${FULL.requests}] [--concurrency ${FULL.concurrency}]
  [--messages ${FULL.messages}] [--workers ${FULL.workers}] [--sync-customers ${FULL.syncCustomers}]`;

export function parseBenchArgs(args: string[]) {
  const { values } = parseArgs({
    args,
    options: {
      database: { type: "string" },
      only: { type: "string" },
      quick: { type: "boolean", default: false },
      markdown: { type: "boolean", default: false },
      profile: { type: "boolean", default: false },
      help: { type: "boolean", default: false },
      sizes: { type: "string" },
      events: { type: "string" },
      requests: { type: "string" },
      concurrency: { type: "string" },
      messages: { type: "string" },
      workers: { type: "string" },
      "sync-customers": { type: "string" },
      // Internal: run one section on one database and send its rows to the parent (run.ts spawns these).
      section: { type: "string" },
    },
  });
  const preset = values.quick ? QUICK : FULL;
  const list = (v: string | undefined, fallback: string) => (v ?? fallback).split(",").map(Number);
  const options: BenchOptions = {
    sizes: list(values.sizes, preset.sizes),
    events: Number(values.events ?? preset.events),
    requests: Number(values.requests ?? preset.requests),
    concurrency: list(values.concurrency, preset.concurrency),
    messages: Number(values.messages ?? preset.messages),
    workers: list(values.workers, preset.workers),
    syncCustomers: Number(values["sync-customers"] ?? preset.syncCustomers),
  };
  if (values.database && values.database !== "sqlite" && values.database !== "postgresql")
    throw new Error(`--database must be sqlite or postgresql\n${USAGE}`);
  const databases: DatabaseProvider[] = values.database
    ? [values.database as DatabaseProvider]
    : ["sqlite", "postgresql"];
  return {
    options,
    databases,
    only: values.only?.split(","),
    quick: values.quick,
    markdown: values.markdown,
    profile: values.profile,
    help: values.help,
    section: values.section,
  };
}

/** The flags that carry `options` to a child run. */
export function optionsAsArgs(o: BenchOptions): string[] {
  return [
    "--sizes",
    o.sizes.join(","),
    "--events",
    String(o.events),
    "--requests",
    String(o.requests),
    "--concurrency",
    o.concurrency.join(","),
    "--messages",
    String(o.messages),
    "--workers",
    o.workers.join(","),
    "--sync-customers",
    String(o.syncCustomers),
  ];
}
