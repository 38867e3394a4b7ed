-- AlterTable
ALTER TABLE "Message" ADD COLUMN "claimedUntil" DATETIME;

