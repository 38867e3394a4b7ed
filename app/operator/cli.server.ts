import type { Db } from "../db.server";
import { parseCliArgs, USAGE, UsageError } from "./cli-args";
import { rotateKeys, SHOP_COMMANDS, type CliIo } from "./cli-commands.server";
import { UnknownCustomer, UnknownSegment, UnknownShop } from "./reports.server";
import { UnknownFlow } from "./sync-cli.server";

/**
 * The operator CLI (scripts/cli.ts): parse (cli-args), run one command (cli-commands), print its report as
 * text (cli-format) or JSON. Returns the process exit code: 0 ok, 2 usage or lookup error.
 */
export async function runCli({
  db,
  argv,
  io,
  env = process.env,
}: {
  db: Db;
  argv: string[];
  io: CliIo;
  env?: Record<string, string | undefined>;
}): Promise<number> {
  try {
    const cli = parseCliArgs(argv);
    if (cli === "help") return (io.out(USAGE), 0);
    if (cli === "no-command") return (io.err(USAGE), 2);
    if (cli.command === "rotate-keys") return await rotateKeys(db, io, env);
    const command = SHOP_COMMANDS[cli.command];
    if (!command) throw new UsageError(`unknown command ${cli.command}`);
    const shop = cli.values.shop;
    if (!shop) throw new UsageError("--shop is required");
    const print = <R>(report: R, text: (report: R) => string) =>
      io.out(cli.values.json ? JSON.stringify(report, null, 2) : text(report));
    await command({ db, cli, shop, io, env, print });
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`${error.message}\n\n${USAGE}`);
      return 2;
    }
    const lookups = [UnknownShop, UnknownSegment, UnknownCustomer, UnknownFlow];
    if (lookups.some((kind) => error instanceof kind)) {
      io.err((error as Error).message);
      return 2;
    }
    throw error;
  }
}
