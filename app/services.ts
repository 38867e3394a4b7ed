import type { Clock } from "./clock";
import type { Db } from "./db.server";
import type { JobQueue } from "./jobs/queue.server";
import type { ProviderRegistry } from "./sms/registry.server";
import type { SendPacer } from "./sms/send-pacer";
import type { AdminGraphql } from "./shopify-admin/graphql.server";

/**
 * The app's services, as every worker path and admin action that does more than read takes them:
 * one bag, assembled once per process by `runtime/services.server.ts` (tests assemble their own with
 * a scratch database and a fake clock). Declared here, outside `runtime/`, so domain modules can name
 * the type without importing the wiring.
 */
export interface AppServices {
  db: Db;
  queue: JobQueue;
  providers: ProviderRegistry;
  pacer: SendPacer;
  clock: Clock;
  /** The app's public URL: tracked links and status callbacks live there. */
  appUrl: string;
  /** Admin GraphQL for discount codes and consent write-back; absent in the offline demo. */
  admin?: AdminGraphql;
}
