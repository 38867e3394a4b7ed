-- DropIndex
DROP INDEX "SegmentMembership_shopId_customerId_idx";

-- CreateIndex
CREATE INDEX "SegmentMembership_shopId_customerId_segmentId_idx" ON "SegmentMembership"("shopId", "customerId", "segmentId");

