import { execFile, execFileSync } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import pg from "pg";
import { migrate } from "../../../app/db/migrations.server";

const run = promisify(execFile);

/**
 * A PostgreSQL server of the test's own: `initdb` into a temporary directory, on a free
 * port of 127.0.0.1, with the machine's PostgreSQL binaries. A fault test can then really
 * stop and start it (every connection refused while it is down, then a cold server), which
 * it cannot do to the machine's shared server without breaking whoever else uses it.
 */
export interface PrivatePostgres {
  /** A migrated, empty database on the private server. */
  url: string;
  /** Fast shutdown (every client disconnected), `downMs` with nothing listening, then a start. */
  restart(downMs: number): Promise<void>;
  /** Stops the server and deletes its files. */
  destroy(): Promise<void>;
}

export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const bin = serverBinaries();
  const dir = mkdtempSync(path.join(os.tmpdir(), "sms-pg-"));
  const data = path.join(dir, "data");
  // PostgreSQL refuses to run as root; as root, the server runs as the postgres user.
  const asServerUser = (command: string, args: string[]) =>
    process.getuid?.() === 0
      ? run("runuser", ["-u", "postgres", "--", command, ...args], { timeout: 60_000 })
      : run(command, args, { timeout: 60_000 });
  if (process.getuid?.() === 0) {
    const uid = Number(execFileSync("id", ["-u", "postgres"]).toString());
    const gid = Number(execFileSync("id", ["-g", "postgres"]).toString());
    chownSync(dir, uid, gid);
  }
  const pgCtl = (...args: string[]) => asServerUser(path.join(bin, "pg_ctl"), ["-D", data, ...args]);

  await asServerUser(path.join(bin, "initdb"), [
    "-D",
    data,
    "-A",
    "trust",
    "-U",
    "postgres",
    "-E",
    "UTF8",
    "--no-sync",
  ]);
  const port = await freePort();
  // fsync off: the test is about clients surviving a restart, not about the disk.
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200`;
  const start = () => pgCtl("-l", path.join(dir, "server.log"), "-o", options, "-w", "start");
  await start();

  const admin = `postgresql://postgres@127.0.0.1:${port}/postgres`;
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  await client.query('CREATE DATABASE "sms_faults"');
  await client.end();
  const url = `postgresql://postgres@127.0.0.1:${port}/sms_faults`;
  await migrate({ provider: "postgresql", url });

  return {
    url,
    async restart(downMs) {
      await pgCtl("-m", "fast", "-w", "stop");
      await new Promise((r) => setTimeout(r, downMs));
      await start();
    },
    async destroy() {
      await pgCtl("-m", "immediate", "-w", "stop").catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** PG_BINDIR, else `pg_config --bindir`, else the newest /usr/lib/postgresql/N/bin (Debian). */
function serverBinaries(): string {
  const candidates = [process.env.PG_BINDIR];
  try {
    candidates.push(execFileSync("pg_config", ["--bindir"]).toString().trim());
  } catch {
    // no pg_config on PATH
  }
  if (existsSync("/usr/lib/postgresql")) {
    const versions = readdirSync("/usr/lib/postgresql").sort((a, b) => Number(b) - Number(a));
    candidates.push(...versions.map((v) => `/usr/lib/postgresql/${v}/bin`));
  }
  const found = candidates.find((d) => d && existsSync(path.join(d, "initdb")) && existsSync(path.join(d, "pg_ctl")));
  if (!found)
    throw new Error("the database restart test needs PostgreSQL's server binaries (initdb, pg_ctl): set PG_BINDIR");
  return found;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
    server.on("error", reject);
  });
}
