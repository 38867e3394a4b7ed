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
 * APP_ENCRYPTION_PREVIOUS_KEYS. Afterwards the old key may be dropped only if no keyed hash of a
 * redacted shopper's number was made under it (`hashesUnderOtherKeys`): those cannot be
 * re-keyed, since the number is gone (contacts/number-hash, docs/SECURITY.md).
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

/**
 * Keyed hashes of redacted shoppers' numbers (a suppressed number's `hmac:<key id>:…`, a consent
 * fact's `phoneHash`) made under another key than `keyId`. They match only while that key is in
 * APP_ENCRYPTION_PREVIOUS_KEYS: drop it and a redacted STOP no longer blocks its number.
 */
export async function hashesUnderOtherKeys(db: Db, keyId: string) {
  const current = `hmac:${keyId}:`;
  const [suppressions, facts] = await Promise.all([
    db.smsSuppression.count({ where: { phone: { startsWith: "hmac:" }, NOT: { phone: { startsWith: current } } } }),
    db.consentEvent.count({
      where: { phoneHash: { not: null }, NOT: { phoneHash: { startsWith: current } } },
    }),
  ]);
  return { suppressions, facts };
}
