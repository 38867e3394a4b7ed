-- AlterEnum
ALTER TYPE "InboxStatus" ADD VALUE 'IGNORED';

