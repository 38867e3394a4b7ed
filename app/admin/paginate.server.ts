/**
 * Keyset pagination for admin lists (?after=<id>): pages stay as fast on the thousandth
 * page as on the first, which OFFSET would not with a million customers.
 */
export const PAGE_SIZE = 50;

export function pageArgs(url: URL, size = PAGE_SIZE) {
  const after = url.searchParams.get("after");
  return { take: size + 1, ...(after ? { cursor: { id: after }, skip: 1 } : {}) };
}

/** Splits the extra row that pageArgs asked for into "there is a next page". */
export function pageOf<T extends { id: string }>(
  rows: T[],
  size = PAGE_SIZE,
): { rows: T[]; nextCursor: string | null } {
  return rows.length > size ? { rows: rows.slice(0, size), nextCursor: rows[size - 1].id } : { rows, nextCursor: null };
}
