-- AlterTable
ALTER TABLE "Message" ADD COLUMN "pacedSlotAt" DATETIME;

