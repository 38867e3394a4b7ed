-- AlterTable
ALTER TABLE "ShopSettings" ADD COLUMN "sendSlotsUntilMs" REAL;

