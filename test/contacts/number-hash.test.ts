import { createHash, createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { numberHasherFromEnv } from "../../app/contacts/number-hash.server";
import { keyedDigest } from "../../app/security/keyed-digest.server";

// Stored hashes outlive the code that made them (a redacted fact keeps only its hash, a
// suppressed number only `hmac:…`): the exact bytes are the contract, restated here with
// plain HMAC-SHA256 independently of how the hasher holds its keys.
const key = Buffer.alloc(32, 7).toString("base64");
const previous = Buffer.alloc(32, 9).toString("base64");
const hmac = (secret: Buffer | string, input: string) => createHmac("sha256", secret).update(input);
const purpose = (keyBase64: string, label: string) => hmac(Buffer.from(keyBase64, "base64"), label).digest();
const keyId = (keyBase64: string) =>
  createHash("sha256").update(Buffer.from(keyBase64, "base64")).digest("hex").slice(0, 8);
const stored = (keyBase64: string, shopId: string, e164: string) =>
  `hmac:${keyId(keyBase64)}:${hmac(purpose(keyBase64, "number-hash:v1"), `${shopId}:${e164}`).digest("base64url")}`;

describe("keyed hashes of phone numbers", () => {
  it("GIVEN a current and a previous key WHEN a number is hashed THEN it is HMAC-SHA256 of shop and number under each key's derived key", () => {
    const hasher = numberHasherFromEnv({ APP_ENCRYPTION_KEY: key, APP_ENCRYPTION_PREVIOUS_KEYS: previous });
    for (const [shopId, e164] of [
      ["shop-a", "+14155550142"],
      ["shop-b", "+14155550142"],
      ["shop-a", "+447700900123"],
    ] as const) {
      expect(hasher.hash(shopId, e164)).toBe(stored(key, shopId, e164));
      // Asked again: the key is reused, not consumed.
      expect(hasher.hash(shopId, e164)).toBe(stored(key, shopId, e164));
      expect(hasher.candidates(shopId, e164)).toEqual([stored(key, shopId, e164), stored(previous, shopId, e164)]);
    }
  });

  it("GIVEN a purpose WHEN a value is digested THEN it is HMAC-SHA256 hex under the purpose's derived key", () => {
    const digest = keyedDigest("rate-limit:v1", { APP_ENCRYPTION_KEY: key });
    for (const input of ["203.0.113.7", "2001:db8::1"])
      expect(digest(input)).toBe(hmac(purpose(key, "rate-limit:v1"), input).digest("hex"));
  });
});
