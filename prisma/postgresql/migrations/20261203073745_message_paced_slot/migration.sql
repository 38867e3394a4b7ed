-- AlterTable
ALTER TABLE "Message" ADD COLUMN     "pacedSlotAt" TIMESTAMP(3);

