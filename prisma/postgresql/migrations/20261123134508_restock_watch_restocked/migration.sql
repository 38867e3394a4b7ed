-- AlterTable
ALTER TABLE "RestockWatch" ADD COLUMN     "restockedAt" TIMESTAMP(3);

