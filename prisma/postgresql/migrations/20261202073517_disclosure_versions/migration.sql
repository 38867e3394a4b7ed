-- CreateTable
CREATE TABLE "DisclosureVersion" (
    "id" TEXT NOT NULL,
    "shopId" TEXT NOT NULL,
    "text" TEXT NOT NULL,
    "hash" TEXT NOT NULL,
    "publishedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "DisclosureVersion_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "DisclosureVersion_shopId_publishedAt_idx" ON "DisclosureVersion"("shopId", "publishedAt");

-- AddForeignKey
ALTER TABLE "DisclosureVersion" ADD CONSTRAINT "DisclosureVersion_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;

