-- CreateIndex
CREATE INDEX "Message_shopId_flowId_sentAt_idx" ON "Message"("shopId", "flowId", "sentAt");

