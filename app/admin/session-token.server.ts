import { createHmac, randomUUID } from "node:crypto";

/**
 * A session token exactly as Shopify's admin mints one for an embedded app (HS256 JWT
 * signed with the app's client secret; iss/dest name the shop, aud is the client id).
 * Only the development login uses this: it lets `authenticate.admin` verify a real token
 * when there is no Shopify admin around to issue one.
 */
export function mintSessionToken(o: {
  shop: string;
  apiKey: string;
  apiSecret: string;
  userId?: string;
  now?: Date;
  ttlSeconds?: number;
}): string {
  const iat = Math.floor((o.now ?? new Date()).getTime() / 1000);
  const payload = {
    iss: `https://${o.shop}/admin`,
    dest: `https://${o.shop}`,
    aud: o.apiKey,
    sub: o.userId ?? "1",
    exp: iat + (o.ttlSeconds ?? 60),
    nbf: iat - 5,
    iat,
    jti: randomUUID(),
    sid: randomUUID(),
  };
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");
  const unsigned = `${encode({ alg: "HS256", typ: "JWT" })}.${encode(payload)}`;
  return `${unsigned}.${createHmac("sha256", o.apiSecret).update(unsigned).digest("base64url")}`;
}
