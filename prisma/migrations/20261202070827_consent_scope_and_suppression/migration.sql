-- CreateTable
CREATE TABLE "SmsSuppression" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shopId" TEXT NOT NULL,
    "phone" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "suppressedAt" DATETIME NOT NULL,
    "liftedAt" DATETIME,
    "liftedBy" TEXT,
    "evidence" JSONB,
    CONSTRAINT "SmsSuppression_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_ConsentEvent" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shopId" TEXT NOT NULL,
    "customerId" TEXT,
    "phone" TEXT,
    "state" TEXT NOT NULL,
    "optInLevel" TEXT,
    "source" TEXT NOT NULL,
    "wording" TEXT,
    "scope" TEXT NOT NULL DEFAULT 'marketing',
    "occurredAt" DATETIME NOT NULL,
    "recordedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "evidence" JSONB,
    "redactedAt" DATETIME,
    CONSTRAINT "ConsentEvent_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_ConsentEvent" ("customerId", "evidence", "id", "occurredAt", "optInLevel", "phone", "recordedAt", "redactedAt", "shopId", "source", "state", "wording") SELECT "customerId", "evidence", "id", "occurredAt", "optInLevel", "phone", "recordedAt", "redactedAt", "shopId", "source", "state", "wording" FROM "ConsentEvent";
DROP TABLE "ConsentEvent";
ALTER TABLE "new_ConsentEvent" RENAME TO "ConsentEvent";
CREATE INDEX "ConsentEvent_shopId_customerId_occurredAt_idx" ON "ConsentEvent"("shopId", "customerId", "occurredAt");
CREATE INDEX "ConsentEvent_shopId_phone_occurredAt_idx" ON "ConsentEvent"("shopId", "phone", "occurredAt");
CREATE INDEX "ConsentEvent_shopId_occurredAt_idx" ON "ConsentEvent"("shopId", "occurredAt");
CREATE INDEX "ConsentEvent_shopId_source_occurredAt_idx" ON "ConsentEvent"("shopId", "source", "occurredAt");
CREATE INDEX "ConsentEvent_shopId_state_occurredAt_idx" ON "ConsentEvent"("shopId", "state", "occurredAt");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE UNIQUE INDEX "SmsSuppression_shopId_phone_key" ON "SmsSuppression"("shopId", "phone");

