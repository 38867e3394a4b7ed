import type { Db } from "../db.server";
import type { customerProfile } from "../commerce/customers.server";
import { asDate, type ColumnType } from "../db/insert-rows.server";
import { updateRows } from "../db/update-rows.server";
import { Prisma } from "../generated/sqlite/client"; // SQL fragments: both generated clients share this runtime

/** The profile columns customerProfile maps, and how the mirror stores each. */
const PROFILE_COLUMNS = {
  email: "text",
  phone: "text",
  phoneRaw: "text",
  firstName: "text",
  lastName: "text",
  locale: "text",
  tags: "text",
  countryCode: "text",
  provinceCode: "text",
  city: "text",
  shopifyCreatedAt: "timestamp",
  deletedAt: "timestamp",
} as const satisfies Partial<Record<keyof Profile["profile"], ColumnType>>;

type Profile = Awaited<ReturnType<typeof customerProfile>>;
type ProfileField = keyof typeof PROFILE_COLUMNS;

export const PROFILE_FIELDS = Object.keys(PROFILE_COLUMNS) as ProfileField[];

/** How the mirror stores each column a snapshot of a mirrored customer writes. */
export const MIRRORED_COLUMNS = {
  ...PROFILE_COLUMNS,
  timeZone: "text",
  shopifyUpdatedAt: "timestamp",
  updatedAt: "timestamp",
} as const satisfies Record<ProfileField | "timeZone" | "shopifyUpdatedAt" | "updatedAt", ColumnType>;

/** A mirrored customer as read before the update: what decides which statement (if any) it needs. */
export type MirroredRow = { id: string; shopifyUpdatedAt: Date | null; placed: boolean } & Record<
  ProfileField | "timeZone",
  unknown
>;

/** The columns writeMirroredCustomers needs read (`placed`: coordinates gave the zone). */
export const MIRRORED_SELECT = Prisma.raw(
  [...PROFILE_FIELDS, "timeZone", "shopifyUpdatedAt"].map((n) => `"${n}"`).join(", ") +
    `, ("latitude" IS NOT NULL AND "longitude" IS NOT NULL) AS "placed"`,
);

/**
 * Writes a batch's snapshots of customers already mirrored, newest wins (by Shopify's
 * updated_at, in each statement's WHERE, so a newer write committed since `existing` was
 * read is kept). Most snapshots (an order's customer) repeat the profile the mirror holds:
 * those only move the newest-wins mark, one UPDATE of two unindexed columns (none at all for
 * the same snapshot again), where setting every profile column made SQLite rewrite the
 * customer's entry in every index over one (phone, email, country) and cost PostgreSQL its
 * HOT update. Its WHERE checks the profile is still the one read (another writer may have
 * changed it since); a row that fails joins the full update, which sets every column.
 */
export async function writeMirroredCustomers(
  db: Db,
  o: {
    rows: readonly ({ payload: { id: string; updated_at?: Date | null } } & Profile)[];
    existing: ReadonlyMap<string, MirroredRow>;
    stamp: Date;
  },
): Promise<void> {
  const values = o.rows.flatMap(({ payload, profile, timeZone }) => {
    const row = o.existing.get(payload.id);
    const at = payload.updated_at ?? null;
    if (!row || (row.shopifyUpdatedAt && (!at || at < row.shopifyUpdatedAt))) return [];
    const same = sameProfile(row, { profile, timeZone });
    if (same && row.shopifyUpdatedAt && at && at.getTime() === row.shopifyUpdatedAt.getTime()) return [];
    return [{ same, key: row.id, ...profile, timeZone, shopifyUpdatedAt: at, updatedAt: o.stamp }];
  });
  const newest = Prisma.sql`("Customer"."shopifyUpdatedAt" IS NULL OR "Customer"."shopifyUpdatedAt" <= v."shopifyUpdatedAt")`;
  const unchanged = values.filter((v) => v.same);
  const marked = new Set(
    await updateRows(db, {
      table: "Customer",
      columns: MIRRORED_COLUMNS,
      rows: unchanged,
      set: Prisma.sql`"shopifyUpdatedAt" = v."shopifyUpdatedAt", "updatedAt" = v."updatedAt"`,
      where: Prisma.sql`${newest} AND ${Prisma.join(
        PROFILE_FIELDS.map((n) => Prisma.raw(`"Customer"."${n}" IS NOT DISTINCT FROM v."${n}"`)),
        " AND ",
      )} AND (("Customer"."latitude" IS NOT NULL AND "Customer"."longitude" IS NOT NULL)
        OR "Customer"."timeZone" IS NOT DISTINCT FROM v."timeZone")`,
    }),
  );
  await updateRows(db, {
    table: "Customer",
    columns: MIRRORED_COLUMNS,
    rows: values.filter((v) => !v.same || !marked.has(v.key)),
    set: Prisma.sql`${Prisma.join(
      PROFILE_FIELDS.map((n) => Prisma.raw(`"${n}" = v."${n}"`)),
      ", ",
    )}, "shopifyUpdatedAt" = v."shopifyUpdatedAt", "updatedAt" = v."updatedAt",
      "timeZone" = CASE WHEN "Customer"."latitude" IS NULL OR "Customer"."longitude" IS NULL
        THEN v."timeZone" ELSE "Customer"."timeZone" END`,
    // The address-and-number zone only where no coordinates gave a surer one (zoneUnlessPlaced).
    where: newest,
  });
}

/** Whether a snapshot's profile (and the zone, unless coordinates placed the row) is the one the row holds. */
function sameProfile(row: MirroredRow, s: Pick<Profile, "profile" | "timeZone">): boolean {
  const equal = (stored: unknown, value: unknown, type: ColumnType) => {
    if (stored === null || stored === undefined || value === null || value === undefined)
      return (stored ?? null) === (value ?? null);
    if (type === "timestamp")
      return asDate(stored as Date | string).getTime() === asDate(value as Date | string).getTime();
    return String(stored) === String(value);
  };
  return (
    PROFILE_FIELDS.every((n) => equal(row[n], s.profile[n], MIRRORED_COLUMNS[n])) &&
    (truthy(row.placed) || equal(row.timeZone, s.timeZone, "text"))
  );
}

// SQLite answers a boolean expression with 0/1, PostgreSQL with a boolean.
const truthy = (v: unknown) => v === true || v === 1 || v === 1n;
