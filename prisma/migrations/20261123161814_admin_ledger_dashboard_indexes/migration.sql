-- AlterTable
ALTER TABLE "ShopSettings" ADD COLUMN "disclosurePublishedAt" DATETIME;

-- CreateIndex
CREATE INDEX "ConsentEvent_shopId_occurredAt_idx" ON "ConsentEvent"("shopId", "occurredAt");

-- CreateIndex
CREATE INDEX "ConsentEvent_shopId_source_occurredAt_idx" ON "ConsentEvent"("shopId", "source", "occurredAt");

-- CreateIndex
CREATE INDEX "ConsentEvent_shopId_state_occurredAt_idx" ON "ConsentEvent"("shopId", "state", "occurredAt");

-- CreateIndex
CREATE INDEX "Message_shopId_sentAt_idx" ON "Message"("shopId", "sentAt");

-- CreateIndex
CREATE INDEX "Click_shopId_at_idx" ON "Click"("shopId", "at");

