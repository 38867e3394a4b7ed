-- AlterTable
ALTER TABLE "Customer" ADD COLUMN "latitude" REAL;
ALTER TABLE "Customer" ADD COLUMN "longitude" REAL;
ALTER TABLE "Customer" ADD COLUMN "sendLockedUntil" DATETIME;

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_ShopSettings" (
    "shopId" TEXT NOT NULL PRIMARY KEY,
    "senderName" TEXT,
    "contactInfo" TEXT,
    "helpText" TEXT,
    "providerAnswersHelp" BOOLEAN NOT NULL DEFAULT false,
    "provider" TEXT NOT NULL DEFAULT 'outbox',
    "providerCredentialsEnc" TEXT,
    "fromNumber" TEXT,
    "messagesPerSecond" INTEGER NOT NULL DEFAULT 1,
    "quietHoursStartMinute" INTEGER NOT NULL DEFAULT 1200,
    "quietHoursEndMinute" INTEGER NOT NULL DEFAULT 540,
    "frequencyCapCount" INTEGER NOT NULL DEFAULT 1,
    "frequencyCapHours" INTEGER NOT NULL DEFAULT 24,
    "abandonedAfterMinutes" INTEGER NOT NULL DEFAULT 60,
    "newCustomerDays" INTEGER NOT NULL DEFAULT 30,
    "activeWithinDays" INTEGER NOT NULL DEFAULT 90,
    "lapsedAfterDays" INTEGER NOT NULL DEFAULT 90,
    "clickedWithinDays" INTEGER NOT NULL DEFAULT 30,
    "attributionClickDays" INTEGER NOT NULL DEFAULT 5,
    "attributionSendHours" INTEGER NOT NULL DEFAULT 24,
    "disclosureText" TEXT,
    "disclosurePublishedAt" DATETIME,
    "costPerSegment" DECIMAL NOT NULL DEFAULT 0.0079,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "ShopSettings_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_ShopSettings" ("abandonedAfterMinutes", "activeWithinDays", "attributionClickDays", "attributionSendHours", "clickedWithinDays", "contactInfo", "costPerSegment", "disclosurePublishedAt", "disclosureText", "frequencyCapCount", "frequencyCapHours", "fromNumber", "lapsedAfterDays", "messagesPerSecond", "newCustomerDays", "provider", "providerCredentialsEnc", "quietHoursEndMinute", "quietHoursStartMinute", "senderName", "shopId", "updatedAt") SELECT "abandonedAfterMinutes", "activeWithinDays", "attributionClickDays", "attributionSendHours", "clickedWithinDays", "contactInfo", "costPerSegment", "disclosurePublishedAt", "disclosureText", "frequencyCapCount", "frequencyCapHours", "fromNumber", "lapsedAfterDays", "messagesPerSecond", "newCustomerDays", "provider", "providerCredentialsEnc", "quietHoursEndMinute", "quietHoursStartMinute", "senderName", "shopId", "updatedAt" FROM "ShopSettings";
DROP TABLE "ShopSettings";
ALTER TABLE "new_ShopSettings" RENAME TO "ShopSettings";
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

