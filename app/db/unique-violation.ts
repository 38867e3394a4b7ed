/**
 * Prisma's unique-constraint error (P2002), or the driver adapter's own for a statement run
 * on it directly (db/driver.server). Throughout the app it means "someone already did this":
 * a redelivered webhook, a concurrent create, a job already queued.
 */
export const isUniqueViolation = (error: unknown): boolean =>
  typeof error === "object" &&
  error !== null &&
  (("code" in error && error.code === "P2002") ||
    ("name" in error &&
      error.name === "DriverAdapterError" &&
      "cause" in error &&
      (error.cause as { kind?: unknown } | null)?.kind === "UniqueConstraintViolation"));

/** For `.catch(duplicateAsNull)`: a unique violation becomes null, anything else is rethrown. */
export function duplicateAsNull(error: unknown): null {
  if (isUniqueViolation(error)) return null;
  throw error;
}

/** Prisma's "record to update not found" (P2025): an update whose guard in `where` matched no row. */
export const isRecordNotFound = (error: unknown): boolean =>
  typeof error === "object" && error !== null && "code" in error && (error as { code: unknown }).code === "P2025";

/** For `.catch(notFoundAsNull)` on a guarded `update`: no row matched the guard, anything else is rethrown. */
export function notFoundAsNull(error: unknown): null {
  if (isRecordNotFound(error)) return null;
  throw error;
}
