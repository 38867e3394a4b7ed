// Imported first by tests whose in-process web routes must enqueue on pg-boss, as the web
// process does in production on PostgreSQL (the other tests drive the table queue): the
// routes' job engine is chosen when app/runtime/job-engine.server.ts first loads.
if (process.env.DATABASE_URL?.startsWith("postgres")) {
  process.env.JOB_ENGINE = "pg-boss";
  process.env.JOB_HEARTBEAT_SECONDS = "10";
}
