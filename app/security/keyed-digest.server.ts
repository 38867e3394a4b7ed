import { createHmac, createSecretKey, type KeyObject } from "node:crypto";

/** Without APP_ENCRYPTION_KEY (development only; production refuses to start): a fixed key. */
export const DEVELOPMENT_KEY = Buffer.alloc(32, 0).toString("base64");

/**
 * A key of its own for one purpose, derived from an APP_ENCRYPTION_KEY (base64) and the
 * purpose label: one key, one purpose, never the sealing key itself. A KeyObject, not its
 * bytes: on Node 24 `createHmac` given a Buffer first asks whether it is a CryptoKey and wraps
 * it in a new key object, ~16 us of a ~20 us hash of a phone number, where a KeyObject made
 * once goes straight through (~3-5 us; the sync hashes the number of every consent fact).
 */
export const purposeKey = (keyBase64: string, purpose: string): KeyObject =>
  createSecretKey(createHmac("sha256", Buffer.from(keyBase64, "base64")).update(purpose).digest());

/**
 * A keyed digest for one purpose (HMAC-SHA256, hex) under the current APP_ENCRYPTION_KEY. For
 * values too guessable for a plain hash, such as an IP address or a phone number: every one of
 * them can be tried against a plain SHA-256, not without the key, which is not in the database.
 */
export function keyedDigest(
  purpose: string,
  env: Record<string, string | undefined> = process.env,
): (input: string) => string {
  const key = purposeKey(env.APP_ENCRYPTION_KEY ?? DEVELOPMENT_KEY, purpose);
  return (input) => createHmac("sha256", key).update(input).digest("hex");
}
