import { isUniqueViolation, notFoundAsNull } from "../db/unique-violation";

/**
 * Upsert by a unique key where the newer `shopifyUpdatedAt` wins: an older or repeated
 * event never overwrites newer state, whatever order webhooks arrive in.
 * Returns the row's id, whether this event's data was applied, and whether it created the row.
 */
export interface GuardedModel<Where> {
  findUnique(args: {
    where: Where;
    select: { id: true; shopifyUpdatedAt: true };
  }): Promise<{ id: string; shopifyUpdatedAt: Date | null } | null>;
  create(args: { data: never; select: { id: true } }): Promise<{ id: string }>;
  update(args: { where: never; data: never; select: { id: true } }): Promise<{ id: string }>;
}

export async function guardedUpsert<Where>({
  model,
  where,
  updatedAt,
  create,
  update,
}: {
  model: GuardedModel<Where>;
  where: Where;
  updatedAt: Date | null;
  create: Record<string, unknown>;
  update: Record<string, unknown>;
}): Promise<{ id: string; applied: boolean; created: boolean }> {
  const existing = await model.findUnique({ where, select: { id: true, shopifyUpdatedAt: true } });
  if (!existing) {
    try {
      const row = await model.create({
        data: { ...create, shopifyUpdatedAt: updatedAt } as never,
        select: { id: true },
      });
      return { id: row.id, applied: true, created: true };
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      return guardedUpsert({ model, where, updatedAt, create, update }); // lost a race with a concurrent create
    }
  }
  if (existing.shopifyUpdatedAt && (!updatedAt || updatedAt < existing.shopifyUpdatedAt)) {
    return { id: existing.id, applied: false, created: false };
  }
  // Conditional write: a concurrent newer event between read and write wins. (No
  // `shopifyUpdatedAt: null` alternative: the column is required on some models, and a
  // stamp once set is never cleared.)
  const guard = existing.shopifyUpdatedAt
    ? { id: existing.id, shopifyUpdatedAt: { lte: updatedAt } }
    : { id: existing.id };
  // `update` with the guard in its unique `where`, not `updateMany`: Prisma wraps an
  // updateMany in a transaction of its own (BEGIN and COMMIT round trips around one UPDATE).
  const updated = await model
    .update({ where: guard as never, data: { ...update, shopifyUpdatedAt: updatedAt } as never, select: { id: true } })
    .catch(notFoundAsNull);
  return { id: existing.id, applied: updated !== null, created: false };
}
