-- CreateEnum
CREATE TYPE "SyncStatus" AS ENUM ('RUNNING', 'SEGMENTS', 'COMPLETED', 'FAILED');

-- CreateTable
CREATE TABLE "SyncRun" (
    "id" TEXT NOT NULL,
    "shopId" TEXT NOT NULL,
    "status" "SyncStatus" NOT NULL DEFAULT 'RUNNING',
    "reason" TEXT NOT NULL,
    "ordersSince" TIMESTAMP(3) NOT NULL,
    "resource" TEXT,
    "bulkOperationId" TEXT,
    "bulkStatus" TEXT,
    "resultUrl" TEXT,
    "linesApplied" INTEGER NOT NULL DEFAULT 0,
    "progress" JSONB,
    "segmentsStartedAt" TIMESTAMP(3),
    "leaseUntil" TIMESTAMP(3),
    "error" TEXT,
    "startedAt" TIMESTAMP(3) NOT NULL,
    "finishedAt" TIMESTAMP(3),
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "SyncRun_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "SyncRun_shopId_startedAt_idx" ON "SyncRun"("shopId", "startedAt");

-- AddForeignKey
ALTER TABLE "SyncRun" ADD CONSTRAINT "SyncRun_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;

