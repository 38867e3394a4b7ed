-- AlterTable
ALTER TABLE "RestockWatch" ADD COLUMN "openedAt" DATETIME;

-- CreateTable
CREATE TABLE "InventoryLevelChange" (
    "shopId" TEXT NOT NULL,
    "inventoryItemId" TEXT NOT NULL,
    "locationId" TEXT NOT NULL,
    "at" DATETIME NOT NULL,
    "available" INTEGER NOT NULL,

    PRIMARY KEY ("shopId", "inventoryItemId", "locationId", "at"),
    CONSTRAINT "InventoryLevelChange_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_InventoryLevel" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shopId" TEXT NOT NULL,
    "inventoryItemId" TEXT NOT NULL,
    "locationId" TEXT NOT NULL,
    "available" INTEGER NOT NULL,
    "shopifyUpdatedAt" DATETIME NOT NULL,
    CONSTRAINT "InventoryLevel_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_InventoryLevel" ("available", "id", "inventoryItemId", "locationId", "shopId", "shopifyUpdatedAt") SELECT "available", "id", "inventoryItemId", "locationId", "shopId", "shopifyUpdatedAt" FROM "InventoryLevel"
-- Levels of shops already deleted (shop/redact did not reach this table before it had a relation).
WHERE "shopId" IN (SELECT "id" FROM "Shop");
DROP TABLE "InventoryLevel";
ALTER TABLE "new_InventoryLevel" RENAME TO "InventoryLevel";
CREATE UNIQUE INDEX "InventoryLevel_shopId_inventoryItemId_locationId_key" ON "InventoryLevel"("shopId", "inventoryItemId", "locationId");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;


-- Each location's current level is the history's first point.
INSERT INTO "InventoryLevelChange" ("shopId", "inventoryItemId", "locationId", "at", "available")
SELECT "shopId", "inventoryItemId", "locationId", "shopifyUpdatedAt", "available" FROM "InventoryLevel";
