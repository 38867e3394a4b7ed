-- CreateIndex
CREATE INDEX "Message_shopId_customerId_sentAt_idx" ON "Message"("shopId", "customerId", "sentAt");

-- CreateIndex
CREATE INDEX "Message_flowRunId_idx" ON "Message"("flowRunId");

