-- AlterTable
ALTER TABLE "ConsentEvent" ADD COLUMN     "phoneHash" TEXT;

-- CreateTable
CREATE TABLE "WebhookInboxSubject" (
    "inboxId" TEXT NOT NULL,
    "shopDomain" TEXT NOT NULL,
    "key" TEXT NOT NULL,

    CONSTRAINT "WebhookInboxSubject_pkey" PRIMARY KEY ("inboxId","key")
);

-- CreateIndex
CREATE INDEX "WebhookInboxSubject_shopDomain_key_idx" ON "WebhookInboxSubject"("shopDomain", "key");

-- AddForeignKey
ALTER TABLE "WebhookInboxSubject" ADD CONSTRAINT "WebhookInboxSubject_inboxId_fkey" FOREIGN KEY ("inboxId") REFERENCES "WebhookInbox"("id") ON DELETE CASCADE ON UPDATE CASCADE;

