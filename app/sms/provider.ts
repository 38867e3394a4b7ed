/**
 * The one interface every SMS provider implements (Twilio-protocol HTTP adapter, local
 * outbox). The dispatcher records SENDING before calling `send` and SENT / FAILED after.
 */
export interface OutgoingSms {
  /** E.164 */
  to: string;
  body: string;
  /** Our Message id; the provider echoes it in status callbacks. */
  messageId: string;
  statusCallbackUrl?: string;
}

/**
 * The longest a provider call may take before it is abandoned: every adapter holds to it, and
 * dispatch counts on it (a claimed text is not re-claimed until its call must have ended).
 */
export const PROVIDER_TIMEOUT_MS = Number(process.env.SMS_PROVIDER_TIMEOUT_MS) || 15_000;

export interface SendAccepted {
  providerMessageId: string;
  /** Provider's initial status, e.g. "queued" / "accepted". */
  status: string;
}

export interface SmsProvider {
  readonly name: string;
  send(sms: OutgoingSms): Promise<SendAccepted>;
  /**
   * After a crash between "SENDING" and "SENT": did the provider accept this exact text to
   * this number since `since`? Found → record it as sent; not found → safe to send.
   */
  findSent(sms: { to: string; body: string; since: Date }): Promise<SendAccepted | null>;
}

/**
 * A failed send, classified: "retryable" (rate limited, provider down: try again with
 * backoff) or "permanent" (never retry). `reason` says why a permanent failure happened;
 * "opted_out" and "invalid_number" also mark the number so nothing is sent to it again.
 */
export class ProviderError extends Error {
  readonly kind: "retryable" | "permanent";
  readonly reason: "rate_limited" | "unavailable" | "opted_out" | "invalid_number" | "rejected" | "auth";
  readonly providerCode?: string | number;
  /** Seconds the provider asked us to wait (Retry-After), when given. */
  readonly retryAfter?: number;

  /** Like `new Error(message, options)`: the message, then what the classification says. */
  constructor(message: string, details: Pick<ProviderError, "kind" | "reason" | "providerCode" | "retryAfter">) {
    super(message);
    this.kind = details.kind;
    this.reason = details.reason;
    this.providerCode = details.providerCode;
    this.retryAfter = details.retryAfter;
  }
}
