-- AlterEnum
ALTER TYPE "ConsentSource" ADD VALUE 'CARRIER';

