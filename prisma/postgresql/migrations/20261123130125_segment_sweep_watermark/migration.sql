-- AlterTable
ALTER TABLE "Shop" ADD COLUMN     "segmentsSweptAt" TIMESTAMP(3);

