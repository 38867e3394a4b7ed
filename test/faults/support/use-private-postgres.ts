import { startPrivatePostgres, type PrivatePostgres } from "./private-postgres";

// Imported first by a test that restarts PostgreSQL: on a PostgreSQL run it starts a server
// of the test's own and points DATABASE_URL at it before the app's database client loads,
// so the test, its in-process routes and the worker processes it spawns all use it.
export const privatePostgres: PrivatePostgres | undefined = process.env.DATABASE_URL?.startsWith("postgres")
  ? await startPrivatePostgres()
  : undefined;
if (privatePostgres) process.env.DATABASE_URL = privatePostgres.url;
