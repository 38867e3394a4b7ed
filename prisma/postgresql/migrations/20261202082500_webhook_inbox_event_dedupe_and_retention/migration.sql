-- DropIndex
DROP INDEX "WebhookInbox_shopDomain_webhookId_key";

-- AlterTable
ALTER TABLE "WebhookInbox" ADD COLUMN     "dedupeKey" TEXT,
ADD COLUMN     "payloadPrunedAt" TIMESTAMP(3);

-- CreateIndex
CREATE INDEX "WebhookInbox_shopDomain_webhookId_idx" ON "WebhookInbox"("shopDomain", "webhookId");

-- CreateIndex
CREATE INDEX "WebhookInbox_payloadPrunedAt_status_receivedAt_idx" ON "WebhookInbox"("payloadPrunedAt", "status", "receivedAt");

-- Rows stored before the key existed were deduplicated by webhook id: keep that meaning.
UPDATE "WebhookInbox" SET "dedupeKey" = 'webhook:' || "webhookId" WHERE "dedupeKey" IS NULL;

-- CreateIndex
CREATE UNIQUE INDEX "WebhookInbox_shopDomain_dedupeKey_key" ON "WebhookInbox"("shopDomain", "dedupeKey");

