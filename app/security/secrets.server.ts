import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";

/**
 * Encryption at rest for secrets kept in the database (SMS provider credentials, Shopify
 * access and refresh tokens): AES-256-GCM.
 *
 * Stored as "v2:<key id>:<iv>:<tag>:<ciphertext>" (base64 parts). The key id (8 hex characters
 * of the key's SHA-256, which does not reveal the key) says which key sealed the value, so the
 * key can be rotated: APP_ENCRYPTION_KEY seals, APP_ENCRYPTION_PREVIOUS_KEYS still open, and
 * `npm run cli -- rotate-keys` re-seals everything with the current key (docs/SECURITY.md).
 *
 * Every value is sealed with additional authenticated data naming what it belongs to (e.g.
 * "shop:<id>:twilio", "session:<shop domain>:accessToken"): a sealed value copied onto
 * another shop's row does not open. A wrong key, a wrong owner or a tampered value fails
 * loudly instead of yielding garbage.
 *
 * "v1:<iv>:<tag>:<ciphertext>" (no key id, no AAD) is the first format; it still opens, and
 * needsReseal() reports it so rotation upgrades it.
 */
export class SecretBox {
  private readonly current: { id: string; key: Buffer };
  private readonly byId = new Map<string, Buffer>();

  constructor(keyBase64: string, previousKeysBase64: readonly string[] = []) {
    this.current = SecretBox.parseKey(keyBase64);
    for (const k of [keyBase64, ...previousKeysBase64]) {
      const parsed = SecretBox.parseKey(k);
      this.byId.set(parsed.id, parsed.key);
    }
  }

  /** The key id of the current key (shown by the rotation command). */
  get keyId(): string {
    return this.current.id;
  }

  seal(plaintext: string, aad: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv("aes-256-gcm", this.current.key, iv);
    cipher.setAAD(Buffer.from(aad, "utf8"));
    const data = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
    return ["v2", this.current.id, b64(iv), b64(cipher.getAuthTag()), b64(data)].join(":");
  }

  open(sealed: string, aad: string): string {
    const parts = sealed.split(":");
    if (parts[0] === "v2" && parts.length === 5) {
      const [, id, iv, tag, data] = parts as [string, string, string, string, string];
      const key = this.byId.get(id);
      if (!key) throw new Error(`sealed with key ${id}, which is neither APP_ENCRYPTION_KEY nor a previous key`);
      return decrypt({ key, iv, tag, data, aad });
    }
    if (parts[0] === "v1" && parts.length === 4) {
      const [, iv, tag, data] = parts as [string, string, string, string];
      // v1 carried no key id: try each known key (GCM's tag tells the right one).
      for (const key of this.byId.values()) {
        try {
          return decrypt({ key, iv, tag, data });
        } catch {
          continue;
        }
      }
      throw new Error("a v1 sealed secret that no configured key opens");
    }
    throw new Error("not a sealed secret");
  }

  /** Sealed in the old format or with a previous key: rotation re-seals it. */
  needsReseal(sealed: string): boolean {
    const [version, id] = sealed.split(":");
    return version !== "v2" || id !== this.current.id;
  }

  static isSealed(value: string): boolean {
    return /^v[12]:/.test(value);
  }

  private static parseKey(keyBase64: string): { id: string; key: Buffer } {
    const key = Buffer.from(keyBase64.trim(), "base64");
    if (key.length !== 32)
      throw new Error("APP_ENCRYPTION_KEY must be 32 bytes, base64-encoded (openssl rand -base64 32)");
    return { id: createHash("sha256").update(key).digest("hex").slice(0, 8), key };
  }
}

const b64 = (b: Buffer) => b.toString("base64");

function decrypt(p: { key: Buffer; iv: string; tag: string; data: string; aad?: string }): string {
  const decipher = createDecipheriv("aes-256-gcm", p.key, Buffer.from(p.iv, "base64"));
  if (p.aad !== undefined) decipher.setAAD(Buffer.from(p.aad, "utf8"));
  decipher.setAuthTag(Buffer.from(p.tag, "base64"));
  return Buffer.concat([decipher.update(Buffer.from(p.data, "base64")), decipher.final()]).toString("utf8");
}

/** The process's keyring from the environment, or null when no key is configured (development). */
export function secretBoxFromEnv(env: Record<string, string | undefined> = process.env): SecretBox | null {
  if (!env.APP_ENCRYPTION_KEY) return null;
  const previous = (env.APP_ENCRYPTION_PREVIOUS_KEYS ?? "")
    .split(",")
    .map((k) => k.trim())
    .filter(Boolean);
  return new SecretBox(env.APP_ENCRYPTION_KEY, previous);
}

/** What a sealed value belongs to: the AAD every seal and open of it names. */
export const sealedFor = {
  twilio: (shopId: string) => `shop:${shopId}:twilio`,
  sessionToken: (shopDomain: string, field: "accessToken" | "refreshToken") => `session:${shopDomain}:${field}`,
};
