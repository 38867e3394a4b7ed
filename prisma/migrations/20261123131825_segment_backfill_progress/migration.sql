-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Segment" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shopId" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT,
    "kind" TEXT NOT NULL,
    "definition" JSONB NOT NULL,
    "memberCount" INTEGER NOT NULL DEFAULT 0,
    "backfillStartedAt" DATETIME,
    "backfillCompletedAt" DATETIME,
    "backfillCursor" TEXT,
    "backfillEvaluated" INTEGER NOT NULL DEFAULT 0,
    "backfillTotal" INTEGER NOT NULL DEFAULT 0,
    "archivedAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "Segment_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_Segment" ("archivedAt", "createdAt", "definition", "description", "id", "key", "kind", "memberCount", "name", "shopId", "updatedAt") SELECT "archivedAt", "createdAt", "definition", "description", "id", "key", "kind", "memberCount", "name", "shopId", "updatedAt" FROM "Segment";
DROP TABLE "Segment";
ALTER TABLE "new_Segment" RENAME TO "Segment";
CREATE UNIQUE INDEX "Segment_shopId_key_key" ON "Segment"("shopId", "key");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

