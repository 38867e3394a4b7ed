import type { Db } from "../db.server";
import { sealedFor, SecretBox } from "../security/secrets.server";
import { OutboxProvider } from "./outbox.server";
import type { SmsProvider } from "./provider";
import { TwilioCredentials, TwilioProvider } from "./twilio.server";

/**
 * Which provider sends for a shop: its setting ("outbox" by default, or "twilio" with
 * credentials sealed in ShopSettings.providerCredentialsEnc).
 */
export class ProviderRegistry {
  /** One outbox for the process: the embedded default and the tests read what it holds. */
  readonly outbox = new OutboxProvider();
  /**
   * Each shop's Twilio adapter, by the sealed value it was opened from: a send batch asks for
   * every shop's provider, and opening (AES-GCM, JSON, the credentials' schema) was ~4 % of a
   * send worker's CPU (dispatch bench profile). The same sealed text always opens to the same
   * credentials, so an entry is good until the shop's stored value changes (new credentials, a
   * key rotation's re-seal), when it is opened anew. The process holds the key that opens them
   * anyway, so keeping them opened exposes nothing more.
   */
  private readonly twilioByShop = new Map<string, { sealed: string; provider: TwilioProvider }>();

  constructor(
    private readonly db: Db,
    private readonly box: SecretBox | null,
  ) {}

  /** `known`: the shop's settings when the caller has read them already (batch dispatch). */
  async forShop(
    shopId: string,
    known?: { provider: string; providerCredentialsEnc: string | null } | null,
  ): Promise<SmsProvider> {
    const settings =
      known ??
      (await this.db.shopSettings.findUniqueOrThrow({
        where: { shopId },
        select: { provider: true, providerCredentialsEnc: true },
      }));
    if (settings.provider !== "twilio") return this.outbox;
    const sealed = settings.providerCredentialsEnc;
    const opened = this.twilioByShop.get(shopId);
    if (sealed && opened?.sealed === sealed) return opened.provider;
    const provider = new TwilioProvider(await this.twilioCredentials(shopId, sealed));
    if (sealed) this.twilioByShop.set(shopId, { sealed, provider });
    return provider;
  }

  /** The shop's Twilio credentials (for sending and for validating callback signatures). */
  async twilioCredentials(shopId: string, sealed?: string | null): Promise<TwilioCredentials> {
    const value =
      sealed ?? (await this.db.shopSettings.findUniqueOrThrow({ where: { shopId } })).providerCredentialsEnc;
    if (!value) throw new Error(`shop ${shopId} has no Twilio credentials`);
    if (!this.box) throw new Error("APP_ENCRYPTION_KEY is not set: provider credentials cannot be read");
    return TwilioCredentials.parse(JSON.parse(this.box.open(value, sealedFor.twilio(shopId))));
  }

  /** Back to the local outbox; the stored credentials are dropped. */
  async useOutbox(shopId: string): Promise<void> {
    await this.db.shopSettings.update({
      where: { shopId },
      data: { provider: "outbox", providerCredentialsEnc: null },
    });
  }

  /** Stores credentials sealed; the plaintext never reaches the database. */
  async useTwilio(shopId: string, credentials: TwilioCredentials): Promise<void> {
    if (!this.box) throw new Error("APP_ENCRYPTION_KEY is not set: provider credentials cannot be stored");
    const parsed = TwilioCredentials.parse(credentials);
    await this.db.shopSettings.update({
      where: { shopId },
      data: {
        provider: "twilio",
        providerCredentialsEnc: this.box.seal(JSON.stringify(parsed), sealedFor.twilio(shopId)),
        fromNumber: parsed.from ?? null,
      },
    });
  }
}
