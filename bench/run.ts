// `npm run bench [-- --database sqlite|postgresql] [--only ingestion|dispatch|segments]
//   [--sizes 1000,100000,1000000] [--requests 3000] [--concurrency 16] [--events 200] [--messages 1000]`
// Benchmarks, not timed tests: they print numbers and ratios against a baseline measured
// in the same run, on a scratch database created for the run and dropped after.
import { parseArgs } from "node:util";
import { createScratchDatabase } from "../app/db/test-databases.server";
import { migrate } from "../app/db/migrations.server";

const { values } = parseArgs({
  options: {
    database: { type: "string", default: "sqlite" },
    only: { type: "string" },
    sizes: { type: "string", default: "1000,100000,1000000" },
    requests: { type: "string", default: "3000" },
    concurrency: { type: "string", default: "16" },
    events: { type: "string", default: "200" },
    messages: { type: "string", default: "1000" },
  },
});
const provider = values.database === "postgresql" ? "postgresql" : "sqlite";
const scratch = await createScratchDatabase(provider, "bench");
await migrate(scratch.target);
// The app modules read these at import time: set them before importing.
process.env.DATABASE_URL = scratch.target.url;
process.env.SHOPIFY_API_KEY ??= "bench-api-key";
process.env.SHOPIFY_API_SECRET ??= "bench-api-secret";
process.env.SHOPIFY_APP_URL ??= "https://bench.example";
console.log(`bench on ${provider} (scratch database), node ${process.version}, ${new Date().toISOString()}`);
try {
  if (!values.only || values.only === "ingestion") {
    const { benchIngestion } = await import("./ingestion");
    await benchIngestion({ secret: process.env.SHOPIFY_API_SECRET, requests: Number(values.requests), concurrency: Number(values.concurrency) });
  }
  if (!values.only || values.only === "dispatch") {
    const { benchDispatch } = await import("./dispatch");
    await benchDispatch({ messages: Number(values.messages) });
  }
  if (!values.only || values.only === "segments") {
    const { benchSegments } = await import("./segments");
    await benchSegments(scratch.target, { sizes: values.sizes.split(",").map(Number), events: Number(values.events) });
  }
} finally {
  // On PostgreSQL the routes enqueue through pg-boss: stop it before its database goes.
  const { queue } = await import("../app/jobs/queue-instance.server");
  await queue.stop();
  const { default: db } = await import("../app/db.server");
  await db.$disconnect();
  await scratch.drop();
}
