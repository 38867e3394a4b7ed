-- AlterTable
ALTER TABLE "WebhookInbox" ADD COLUMN "queuedAt" DATETIME;

-- CreateIndex
CREATE INDEX "WebhookInbox_status_queuedAt_idx" ON "WebhookInbox"("status", "queuedAt");

