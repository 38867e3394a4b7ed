-- AlterTable
ALTER TABLE "SegmentMembershipEvent" ADD COLUMN "flowsHandledAt" DATETIME;

-- CreateIndex
CREATE INDEX "SegmentMembershipEvent_flowsHandledAt_at_idx" ON "SegmentMembershipEvent"("flowsHandledAt", "at");

