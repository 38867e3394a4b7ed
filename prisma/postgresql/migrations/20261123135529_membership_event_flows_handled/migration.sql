-- AlterTable
ALTER TABLE "SegmentMembershipEvent" ADD COLUMN     "flowsHandledAt" TIMESTAMP(3);

-- CreateIndex
CREATE INDEX "SegmentMembershipEvent_flowsHandledAt_at_idx" ON "SegmentMembershipEvent"("flowsHandledAt", "at");

