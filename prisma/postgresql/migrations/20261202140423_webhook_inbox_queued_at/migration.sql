-- AlterTable
ALTER TABLE "WebhookInbox" ADD COLUMN     "queuedAt" TIMESTAMP(3);

-- CreateIndex
CREATE INDEX "WebhookInbox_status_queuedAt_idx" ON "WebhookInbox"("status", "queuedAt");

