-- AlterTable
ALTER TABLE "ShopSettings" ADD COLUMN     "helpText" TEXT,
ADD COLUMN     "providerAnswersHelp" BOOLEAN NOT NULL DEFAULT false;

-- AlterTable
ALTER TABLE "Customer" ADD COLUMN     "latitude" DOUBLE PRECISION,
ADD COLUMN     "longitude" DOUBLE PRECISION,
ADD COLUMN     "sendLockedUntil" TIMESTAMP(3);

