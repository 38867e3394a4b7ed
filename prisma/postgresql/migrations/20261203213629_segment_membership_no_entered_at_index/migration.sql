-- DropIndex
DROP INDEX "SegmentMembership_segmentId_enteredAt_idx";

