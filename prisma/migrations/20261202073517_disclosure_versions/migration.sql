-- CreateTable
CREATE TABLE "DisclosureVersion" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shopId" TEXT NOT NULL,
    "text" TEXT NOT NULL,
    "hash" TEXT NOT NULL,
    "publishedAt" DATETIME NOT NULL,
    CONSTRAINT "DisclosureVersion_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE INDEX "DisclosureVersion_shopId_publishedAt_idx" ON "DisclosureVersion"("shopId", "publishedAt");

