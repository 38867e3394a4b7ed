-- AlterTable
ALTER TABLE "RestockWatch" ADD COLUMN     "openedAt" TIMESTAMP(3);

-- CreateTable
CREATE TABLE "InventoryLevelChange" (
    "shopId" TEXT NOT NULL,
    "inventoryItemId" TEXT NOT NULL,
    "locationId" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL,
    "available" INTEGER NOT NULL,

    CONSTRAINT "InventoryLevelChange_pkey" PRIMARY KEY ("shopId","inventoryItemId","locationId","at")
);

-- Levels of shops already deleted (shop/redact did not reach this table before it had a relation).
DELETE FROM "InventoryLevel" WHERE "shopId" NOT IN (SELECT "id" FROM "Shop");

-- AddForeignKey
ALTER TABLE "InventoryLevel" ADD CONSTRAINT "InventoryLevel_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "InventoryLevelChange" ADD CONSTRAINT "InventoryLevelChange_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;


-- Each location's current level is the history's first point.
INSERT INTO "InventoryLevelChange" ("shopId", "inventoryItemId", "locationId", "at", "available")
SELECT "shopId", "inventoryItemId", "locationId", "shopifyUpdatedAt", "available" FROM "InventoryLevel";
