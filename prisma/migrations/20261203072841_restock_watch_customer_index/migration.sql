-- CreateIndex
CREATE INDEX "RestockWatch_shopId_customerId_idx" ON "RestockWatch"("shopId", "customerId");

