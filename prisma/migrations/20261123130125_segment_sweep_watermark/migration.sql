-- AlterTable
ALTER TABLE "Shop" ADD COLUMN "segmentsSweptAt" DATETIME;

