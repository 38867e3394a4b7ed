import { createCipheriv, randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { Session } from "@shopify/shopify-api";
import db from "../../app/db.server";
import { ensureShop } from "../../app/commerce/shops.server";
import { runCli } from "../../app/operator/cli.server";
import { ProviderRegistry } from "../../app/sms/registry.server";
import { TwilioCredentials } from "../../app/sms/twilio.server";
import { SecretBox, sealedFor } from "../../app/security/secrets.server";
import { sessionStorage } from "../../app/runtime/shopify.server";
import { numberHasherFromEnv } from "../../app/contacts/number-hash.server";
import { uniqueShop } from "../support/app";

const currentKey = process.env.APP_ENCRYPTION_KEY!;
const oldKey = Buffer.alloc(32, 42).toString("base64");
const credentials = (authToken: string) =>
  TwilioCredentials.parse({ accountSid: `AC${"d4".repeat(16)}`, authToken, from: "+14155550100" });

const offline = (shop: string, accessToken: string, refreshToken?: string) =>
  new Session({ id: `offline_${shop}`, shop, state: "installed", isOnline: false, accessToken, refreshToken });

async function cli(argv: string[], env: Record<string, string | undefined>) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli({ db, argv, io: { out: (t) => out.push(t), err: (t) => err.push(t) }, env });
  return { code, out: out.join("\n"), err: err.join("\n") };
}

describe("Shopify tokens are sealed at rest", () => {
  it("GIVEN an offline session with access and refresh tokens WHEN stored THEN the Session row holds neither in clear, and it loads back whole", async () => {
    const shop = uniqueShop("sealed-session");
    await sessionStorage.storeSession(offline(shop, "shpat_secret_access_1", "shprt_secret_refresh_1"));
    const row = await db.session.findUniqueOrThrow({ where: { id: `offline_${shop}` } });
    expect(row.accessToken).toMatch(/^v2:/);
    expect(JSON.stringify(row)).not.toContain("shpat_secret_access_1");
    expect(JSON.stringify(row)).not.toContain("shprt_secret_refresh_1");
    const loaded = await sessionStorage.loadSession(`offline_${shop}`);
    expect(loaded).toMatchObject({ accessToken: "shpat_secret_access_1", refreshToken: "shprt_secret_refresh_1" });
    expect((await sessionStorage.findSessionsByShop(shop))[0]?.accessToken).toBe("shpat_secret_access_1");
  });

  it("GIVEN a row stored in clear before sealing existed WHEN loaded THEN it is readable and stored again sealed", async () => {
    const shop = uniqueShop("clear-session");
    await db.session.create({ data: { id: `offline_${shop}`, shop, state: "", accessToken: "shpat_old_clear_2" } });
    expect((await sessionStorage.loadSession(`offline_${shop}`))?.accessToken).toBe("shpat_old_clear_2");
    const row = await db.session.findUniqueOrThrow({ where: { id: `offline_${shop}` } });
    expect(row.accessToken).toMatch(/^v2:/);
    expect(row.accessToken).not.toContain("shpat_old_clear_2");
  });

  it("GIVEN shop A's sealed token copied onto shop B's session row WHEN B's session loads THEN it refuses (bound to its shop)", async () => {
    const a = uniqueShop("bound-a");
    const b = uniqueShop("bound-b");
    await sessionStorage.storeSession(offline(a, "shpat_of_shop_a"));
    await sessionStorage.storeSession(offline(b, "shpat_of_shop_b"));
    const sealedA = (await db.session.findUniqueOrThrow({ where: { id: `offline_${a}` } })).accessToken;
    await db.session.update({ where: { id: `offline_${b}` }, data: { accessToken: sealedA } });
    await expect(sessionStorage.loadSession(`offline_${b}`)).rejects.toThrow();
  });
});

describe("provider credentials are bound to their shop", () => {
  it("GIVEN shop A's sealed Twilio credentials copied to shop B WHEN B's are read THEN it refuses", async () => {
    const providers = new ProviderRegistry(db, new SecretBox(currentKey));
    const a = (await ensureShop(db, uniqueShop("creds-a"))).id;
    const b = (await ensureShop(db, uniqueShop("creds-b"))).id;
    await providers.useTwilio(a, credentials("a".repeat(32)));
    const { providerCredentialsEnc } = await db.shopSettings.findUniqueOrThrow({ where: { shopId: a } });
    await db.shopSettings.update({ where: { shopId: b }, data: { provider: "twilio", providerCredentialsEnc } });
    expect((await providers.twilioCredentials(a)).authToken).toBe("a".repeat(32));
    await expect(providers.twilioCredentials(b)).rejects.toThrow();
  });
});

describe("key rotation (npm run cli -- rotate-keys)", () => {
  it("GIVEN secrets sealed with the old key (v2), in the v1 format and in clear WHEN rotate-keys runs with the new key and the old one as previous THEN all open with the new key alone", async () => {
    await cli(["rotate-keys"], { APP_ENCRYPTION_KEY: currentKey }); // other files' rows: current from here on
    const old = new SecretBox(oldKey);
    const shopA = (await ensureShop(db, uniqueShop("rotate-a"))).id;
    const shopB = (await ensureShop(db, uniqueShop("rotate-b"))).id;
    await new ProviderRegistry(db, old).useTwilio(shopA, credentials("b".repeat(32)));
    // The first format: no key id, no AAD.
    const v1 = legacyV1Seal(oldKey, JSON.stringify(credentials("c".repeat(32))));
    await db.shopSettings.update({
      where: { shopId: shopB },
      data: { provider: "twilio", providerCredentialsEnc: v1 },
    });
    const sessionShop = uniqueShop("rotate-session");
    await db.session.create({
      data: {
        id: `offline_${sessionShop}`,
        shop: sessionShop,
        state: "",
        accessToken: old.seal("shpat_rotate_me", sealedFor.sessionToken(sessionShop, "accessToken")),
        refreshToken: "shprt_in_clear",
      },
    });

    const result = await cli(["rotate-keys"], { APP_ENCRYPTION_KEY: currentKey, APP_ENCRYPTION_PREVIOUS_KEYS: oldKey });
    expect(result.code).toBe(0);
    expect(result.out).toMatch(/2 session tokens and 2 provider credentials re-sealed/);

    const newOnly = new ProviderRegistry(db, new SecretBox(currentKey));
    expect((await newOnly.twilioCredentials(shopA)).authToken).toBe("b".repeat(32));
    expect((await newOnly.twilioCredentials(shopB)).authToken).toBe("c".repeat(32));
    const loaded = await sessionStorage.loadSession(`offline_${sessionShop}`);
    expect(loaded).toMatchObject({ accessToken: "shpat_rotate_me", refreshToken: "shprt_in_clear" });
    const keyId = new SecretBox(currentKey).keyId;
    const row = await db.session.findUniqueOrThrow({ where: { id: `offline_${sessionShop}` } });
    expect([row.accessToken.split(":")[1], row.refreshToken?.split(":")[1]]).toEqual([keyId, keyId]);
  });

  it("GIVEN a redacted STOP hashed under the old key WHEN rotate-keys runs THEN it says to keep the old key (a hash cannot be re-keyed)", async () => {
    const shopId = (await ensureShop(db, uniqueShop("rotate-hash"))).id;
    const hashedBefore = numberHasherFromEnv({ APP_ENCRYPTION_KEY: oldKey }).hash(shopId, "+14155550142");
    await db.smsSuppression.create({
      data: { shopId, phone: hashedBefore, reason: "stop", suppressedAt: new Date() },
    });

    const result = await cli(["rotate-keys"], { APP_ENCRYPTION_KEY: currentKey, APP_ENCRYPTION_PREVIOUS_KEYS: oldKey });

    expect(result.code).toBe(0);
    const held = /keep the old keys in APP_ENCRYPTION_PREVIOUS_KEYS: (\d+) suppressed numbers/.exec(result.out);
    expect(Number(held?.[1])).toBeGreaterThanOrEqual(1);
  });

  it("GIVEN everything already sealed with the current key WHEN rotate-keys runs again THEN nothing changes", async () => {
    await cli(["rotate-keys"], { APP_ENCRYPTION_KEY: currentKey });
    const again = await cli(["rotate-keys"], { APP_ENCRYPTION_KEY: currentKey });
    expect(again.out).toMatch(/0 session tokens and 0 provider credentials re-sealed/);
  });

  it("GIVEN no key WHEN rotate-keys runs THEN it refuses with what to set", async () => {
    const result = await cli(["rotate-keys"], {});
    expect(result.code).toBe(2);
    expect(result.err).toMatch(/APP_ENCRYPTION_KEY/);
  });
});

/** The v1 format exactly as the first release wrote it: "v1:<iv>:<tag>:<ciphertext>", no AAD. */
function legacyV1Seal(keyBase64: string, plaintext: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", Buffer.from(keyBase64, "base64"), iv);
  const data = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return ["v1", iv, cipher.getAuthTag(), data].map((p) => (typeof p === "string" ? p : p.toString("base64"))).join(":");
}
