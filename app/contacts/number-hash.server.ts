import { createHash, createHmac, type KeyObject } from "node:crypto";
import { DEVELOPMENT_KEY, purposeKey } from "../security/keyed-digest.server";

/**
 * Keyed hashes of phone numbers, for what must outlive a redaction without naming anyone: an
 * anonymised consent fact (`ConsentEvent.phoneHash`) and a suppressed number (`SmsSuppression`
 * keeps `hmac:…` in place of the number, so STOP is still honoured if the number comes back).
 *
 * HMAC-SHA256 over "<shop id>:<E.164>" with a key derived from APP_ENCRYPTION_KEY: a phone
 * number has too few digits for a plain hash (every number can be tried), and the key is not
 * in the database, so a copy of the database alone cannot tell which number a hash is. The shop
 * id in the input means two shops' hashes of one number differ (nothing links them).
 *
 * Stored as "hmac:<key id>:<base64url>". A hash cannot be re-keyed (the number is gone), so
 * lookups try every configured key: after a rotation, keep the old key in
 * APP_ENCRYPTION_PREVIOUS_KEYS for as long as its hashes must still match (docs/SECURITY.md).
 */
export interface NumberHasher {
  /** The hash to store, under the current key. */
  hash(shopId: string, e164: string): string;
  /** Every stored form this number may have: under the current key and each previous one. */
  candidates(shopId: string, e164: string): string[];
}

export const HASHED_NUMBER_PREFIX = "hmac:";

export function numberHasherFromEnv(env: Record<string, string | undefined> = process.env): NumberHasher {
  const keys = [env.APP_ENCRYPTION_KEY ?? DEVELOPMENT_KEY, ...(env.APP_ENCRYPTION_PREVIOUS_KEYS ?? "").split(",")]
    .map((k) => k.trim())
    .filter(Boolean)
    .map(deriveKey);
  const digest = (key: DerivedKey, shopId: string, e164: string) =>
    `${HASHED_NUMBER_PREFIX}${key.id}:${createHmac("sha256", key.secret).update(`${shopId}:${e164}`).digest("base64url")}`;
  return {
    hash: (shopId, e164) => digest(keys[0]!, shopId, e164),
    candidates: (shopId, e164) => keys.map((k) => digest(k, shopId, e164)),
  };
}

let processHasher: NumberHasher | undefined;

/** The process's hasher (keys from the environment, read once). */
export function numberHasher(): NumberHasher {
  return (processHasher ??= numberHasherFromEnv());
}

interface DerivedKey {
  id: string;
  secret: KeyObject;
}

function deriveKey(keyBase64: string): DerivedKey {
  const key = Buffer.from(keyBase64, "base64");
  return {
    // The same key id SecretBox shows for this key (rotate-keys prints it).
    id: createHash("sha256").update(key).digest("hex").slice(0, 8),
    secret: purposeKey(keyBase64, "number-hash:v1"),
  };
}
