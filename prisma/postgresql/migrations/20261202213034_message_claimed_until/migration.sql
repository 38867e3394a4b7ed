-- AlterTable
ALTER TABLE "Message" ADD COLUMN     "claimedUntil" TIMESTAMP(3);

