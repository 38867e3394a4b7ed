-- AlterTable
ALTER TABLE "Segment" ADD COLUMN     "backfillCompletedAt" TIMESTAMP(3),
ADD COLUMN     "backfillCursor" TEXT,
ADD COLUMN     "backfillEvaluated" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "backfillStartedAt" TIMESTAMP(3),
ADD COLUMN     "backfillTotal" INTEGER NOT NULL DEFAULT 0;

