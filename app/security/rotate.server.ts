import type { Db } from "../db.server";
import { sealedFor, SecretBox } from "./secrets.server";

export interface ResealReport {
  keyId: string;
  sessionTokens: number;
  providerCredentials: number;
  unchanged: number;
}

/**
 * Key rotation's second half: every sealed value (Shopify session tokens, provider
 * credentials) that is in clear, in the v1 format or sealed with a previous key is opened
 * and sealed again with the current key. Idempotent; each row is its own update, so it can
 * be stopped and run again. Run with the new key as APP_ENCRYPTION_KEY and the old one in
 * APP_ENCRYPTION_PREVIOUS_KEYS; afterwards the old key can be dropped (docs/SECURITY.md).
 */
export async function resealSecrets(db: Db, box: SecretBox): Promise<ResealReport> {
  const report: ResealReport = { keyId: box.keyId, sessionTokens: 0, providerCredentials: 0, unchanged: 0 };
  const sessions = await db.session.findMany({
    select: { id: true, shop: true, accessToken: true, refreshToken: true },
  });
  for (const s of sessions) {
    const data: { accessToken?: string; refreshToken?: string } = {};
    for (const field of ["accessToken", "refreshToken"] as const) {
      const value = s[field];
      if (!value || (SecretBox.isSealed(value) && !box.needsReseal(value))) continue;
      const aad = sealedFor.sessionToken(s.shop, field);
      data[field] = box.seal(SecretBox.isSealed(value) ? box.open(value, aad) : value, aad);
    }
    const changed = Object.keys(data).length;
    if (!changed) report.unchanged++;
    else {
      await db.session.update({ where: { id: s.id }, data });
      report.sessionTokens += changed;
    }
  }
  const settings = await db.shopSettings.findMany({
    where: { providerCredentialsEnc: { not: null } },
    select: { shopId: true, providerCredentialsEnc: true },
  });
  for (const s of settings) {
    const aad = sealedFor.twilio(s.shopId);
    if (!box.needsReseal(s.providerCredentialsEnc!)) {
      report.unchanged++;
      continue;
    }
    const providerCredentialsEnc = box.seal(box.open(s.providerCredentialsEnc!, aad), aad);
    await db.shopSettings.update({ where: { shopId: s.shopId }, data: { providerCredentialsEnc } });
    report.providerCredentials++;
  }
  return report;
}
