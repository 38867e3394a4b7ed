import { z } from "zod";
import { PROVIDER_TIMEOUT_MS, ProviderError, type OutgoingSms, type SendAccepted, type SmsProvider } from "./provider";
import { maskPhonesIn } from "../contacts/mask-phone";
import { keepAliveRequest, type HttpAnswer, type HttpRequest } from "../http/keep-alive-request.server";

/** Per-shop Twilio settings; stored encrypted (app/security/secrets.server.ts). */
export const TwilioCredentials = z
  .object({
    accountSid: z.string().regex(/^AC[0-9a-fA-F]{32}$/, "an Account SID starts with AC and has 32 hex digits"),
    authToken: z.string().min(16),
    from: z
      .string()
      .regex(/^\+[1-9]\d{6,14}$/, "an E.164 number")
      .optional(),
    messagingServiceSid: z
      .string()
      .regex(/^MG[0-9a-fA-F]{32}$/)
      .optional(),
    /** Twilio's API origin; a local Twilio-protocol server in tests and development. */
    baseUrl: z.url().default("https://api.twilio.com"),
  })
  .refine((c) => c.from || c.messagingServiceSid, "a From number or a Messaging Service SID is required");
export type TwilioCredentials = z.infer<typeof TwilioCredentials>;

const TwilioMessage = z.looseObject({ sid: z.string(), status: z.string() });
const TwilioError = z.looseObject({
  code: z.number().optional(),
  message: z.string().optional(),
  status: z.number().optional(),
});

// Twilio error codes that mean "never send this number again" / "this number cannot get SMS".
const OPTED_OUT = new Set([21610]);
const INVALID_NUMBER = new Set([21211, 21614, 21265, 21612]);

/** Twilio's Messages API over HTTP (form-encoded POST, basic auth, JSON answers). */
export class TwilioProvider implements SmsProvider {
  readonly name = "twilio";

  constructor(
    private readonly credentials: TwilioCredentials,
    private readonly httpRequest: HttpRequest = keepAliveRequest,
    private readonly timeoutMs = PROVIDER_TIMEOUT_MS,
  ) {}

  async send(sms: OutgoingSms): Promise<SendAccepted> {
    const c = this.credentials;
    const form = new URLSearchParams({ To: sms.to, Body: sms.body });
    if (c.messagingServiceSid) form.set("MessagingServiceSid", c.messagingServiceSid);
    else form.set("From", c.from!);
    if (sms.statusCallbackUrl) form.set("StatusCallback", sms.statusCallbackUrl);

    const response = await this.request("POST", "", form);
    if (response.ok) {
      const parsed = TwilioMessage.safeParse(safeJson(response.text));
      if (!parsed.success)
        throw new ProviderError("twilio answered without a message sid", { kind: "retryable", reason: "unavailable" });
      return { providerMessageId: parsed.data.sid, status: parsed.data.status };
    }
    throw classify(response);
  }

  /** Twilio's message list filtered by recipient, newest first; matched on text and time. */
  async findSent(q: { to: string; body: string; since: Date }): Promise<SendAccepted | null> {
    const response = await this.request("GET", `?${new URLSearchParams({ To: q.to, PageSize: "50" })}`);
    if (!response.ok) throw classify(response);
    const page = TwilioPage.parse(safeJson(response.text));
    const hit = page.messages.find(
      (m) => m.body === q.body && new Date(m.date_created).getTime() >= q.since.getTime() - 60_000,
    );
    return hit ? { providerMessageId: hit.sid, status: hit.status } : null;
  }

  private async request(method: "GET" | "POST", suffix: string, form?: URLSearchParams): Promise<HttpAnswer> {
    const c = this.credentials;
    try {
      return await this.httpRequest(new URL(`/2010-04-01/Accounts/${c.accountSid}/Messages.json${suffix}`, c.baseUrl), {
        method,
        headers: {
          Authorization: `Basic ${Buffer.from(`${c.accountSid}:${c.authToken}`).toString("base64")}`,
          Accept: "application/json",
          ...(form ? { "Content-Type": "application/x-www-form-urlencoded" } : {}),
        },
        body: form?.toString(),
        timeoutMs: this.timeoutMs,
      });
    } catch (error) {
      // Nothing reached Twilio, or we can't tell: retryable (a resend first asks findSent).
      throw new ProviderError(`twilio unreachable: ${(error as Error).message}`, {
        kind: "retryable",
        reason: "unavailable",
      });
    }
  }
}

const TwilioPage = z.looseObject({
  messages: z.array(z.looseObject({ sid: z.string(), status: z.string(), body: z.string(), date_created: z.string() })),
});

function classify(response: HttpAnswer): ProviderError {
  const body = TwilioError.safeParse(safeJson(response.text)).data ?? {};
  const code = body.code;
  // Twilio's text can quote the recipient ("The 'To' number +14155550123 is not a valid phone
  // number."); it is stored on the message and shown in the admin, so the number is masked.
  const message = `twilio ${response.status}${code ? ` (${code})` : ""}: ${maskPhonesIn(body.message ?? response.statusText)}`;
  if (response.status === 429 || code === 20429) {
    return new ProviderError(message, {
      kind: "retryable",
      reason: "rate_limited",
      providerCode: code,
      retryAfter: Number(response.header("retry-after")) || undefined,
    });
  }
  if (response.status >= 500)
    return new ProviderError(message, { kind: "retryable", reason: "unavailable", providerCode: code });
  if (response.status === 401 || response.status === 403)
    return new ProviderError(message, { kind: "permanent", reason: "auth", providerCode: code });
  if (code && OPTED_OUT.has(code))
    return new ProviderError(message, { kind: "permanent", reason: "opted_out", providerCode: code });
  if (code && INVALID_NUMBER.has(code))
    return new ProviderError(message, { kind: "permanent", reason: "invalid_number", providerCode: code });
  return new ProviderError(message, { kind: "permanent", reason: "rejected", providerCode: code });
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
