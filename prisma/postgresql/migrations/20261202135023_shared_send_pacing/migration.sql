-- AlterTable
ALTER TABLE "ShopSettings" ADD COLUMN     "sendSlotsUntilMs" DOUBLE PRECISION;

