-- AlterTable
ALTER TABLE "RestockWatch" ADD COLUMN "restockedAt" DATETIME;

