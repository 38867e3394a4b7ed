import { Session } from "@shopify/shopify-api";
import type { SessionStorage } from "@shopify/shopify-app-session-storage";
import { log } from "../observability/log.server";
import { sealedFor, SecretBox } from "./secrets.server";

type Inner = SessionStorage & { isReady(): Promise<boolean> };
const FIELDS = ["accessToken", "refreshToken"] as const;

/**
 * Shopify's Prisma session storage with the access and refresh tokens sealed (SecretBox,
 * bound to the session's shop): the Session table never holds a usable token in clear.
 * Everything else is Shopify's storage unchanged. A row written before sealing existed
 * (clear-text token) still loads, and is stored again sealed on the spot.
 * Without a key (development without APP_ENCRYPTION_KEY; production refuses to start
 * without one) tokens are stored as Shopify's storage stores them.
 */
export class SealedSessionStorage implements SessionStorage {
  constructor(
    private readonly inner: Inner,
    private readonly box: SecretBox | null,
  ) {}

  isReady = () => this.inner.isReady();

  async storeSession(session: Session): Promise<boolean> {
    return this.inner.storeSession(this.seal(session));
  }

  async loadSession(id: string): Promise<Session | undefined> {
    const stored = await this.inner.loadSession(id);
    return stored && this.openAndUpgrade(stored);
  }

  deleteSession = (id: string) => this.inner.deleteSession(id);
  deleteSessions = (ids: string[]) => this.inner.deleteSessions(ids);

  async findSessionsByShop(shop: string): Promise<Session[]> {
    return Promise.all((await this.inner.findSessionsByShop(shop)).map((s) => this.openAndUpgrade(s)));
  }

  /** The session as stored: tokens sealed for this shop. */
  seal(session: Session): Session {
    const box = this.box;
    if (!box) return session;
    return withTokens(session, (field, value) =>
      SecretBox.isSealed(value) ? value : box.seal(value, sealedFor.sessionToken(session.shop, field)),
    );
  }

  private async openAndUpgrade(stored: Session): Promise<Session> {
    const box = this.box;
    if (!box) return stored;
    let clear = false;
    const opened = withTokens(stored, (field, value) => {
      if (!SecretBox.isSealed(value)) {
        clear = true;
        return value;
      }
      return box.open(value, sealedFor.sessionToken(stored.shop, field));
    });
    if (clear) {
      log.info("session token stored in clear: sealed now", { shop: stored.shop, session: stored.id });
      await this.inner.storeSession(this.seal(opened));
    }
    return opened;
  }
}

function withTokens(session: Session, map: (field: (typeof FIELDS)[number], value: string) => string): Session {
  const params = session.toObject();
  for (const field of FIELDS) {
    const value = params[field];
    if (value) params[field] = map(field, value);
  }
  return new Session(params);
}
