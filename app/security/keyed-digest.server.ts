import { createHmac } from "node:crypto";

/** Without APP_ENCRYPTION_KEY (development only; production refuses to start): a fixed key. */
const DEVELOPMENT_KEY = Buffer.alloc(32, 0).toString("base64");

/**
 * A keyed digest for one purpose (HMAC-SHA256, hex), its key derived from APP_ENCRYPTION_KEY
 * and the purpose label (one key, one purpose: never the sealing key itself). For values too
 * guessable for a plain hash, such as an IP address or a phone number: every one of them can be
 * tried against a plain SHA-256, not without the key, which is not in the database.
 */
export function keyedDigest(
  purpose: string,
  env: Record<string, string | undefined> = process.env,
): (input: string) => string {
  const key = createHmac("sha256", Buffer.from(env.APP_ENCRYPTION_KEY ?? DEVELOPMENT_KEY, "base64"))
    .update(purpose)
    .digest();
  return (input) => createHmac("sha256", key).update(input).digest("hex");
}
