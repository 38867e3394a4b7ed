-- CreateTable
CREATE TABLE "SyncRun" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shopId" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'RUNNING',
    "reason" TEXT NOT NULL,
    "ordersSince" DATETIME NOT NULL,
    "resource" TEXT,
    "bulkOperationId" TEXT,
    "bulkStatus" TEXT,
    "resultUrl" TEXT,
    "linesApplied" INTEGER NOT NULL DEFAULT 0,
    "progress" JSONB,
    "segmentsStartedAt" DATETIME,
    "leaseUntil" DATETIME,
    "error" TEXT,
    "startedAt" DATETIME NOT NULL,
    "finishedAt" DATETIME,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "SyncRun_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE INDEX "SyncRun_shopId_startedAt_idx" ON "SyncRun"("shopId", "startedAt");

