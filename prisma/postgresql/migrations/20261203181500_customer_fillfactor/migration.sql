-- Customer pages keep a tenth free (schema.prisma cannot say it), so that an UPDATE changing no
-- indexed column (an order's customer: the newest-wins mark; consent recorded again in the same
-- state) is a HOT update: the new row version on the same page and no new entry in any of
-- Customer's nine indexes. A freshly loaded table has no free space on its pages, so every
-- version moved and was indexed anew (docs/BENCHMARKS.md, 2026-12-03 18:00). It applies to pages
-- written from now on; VACUUM FULL "Customer" applies it to a shop's existing rows at once
-- (under an exclusive lock: an operator's choice, not a migration's).
ALTER TABLE "Customer" SET (fillfactor = 90);
