import { randomUUID } from "node:crypto";
import { z } from "zod";
import type { Db } from "../db.server";
import type { ShopWithSettings } from "../commerce/shops.server";
import { normalisePhone } from "../contacts/phone";
import { publishDisclosure } from "../consent/disclosure.server";
import { disclosureProblems } from "../consent/disclosure-rules";
import { shopSenderName } from "../shop-name";
import { MALAYSIA_PREFIX, OPT_OUT_TEXT } from "../messaging/compliance";
import { ProviderError } from "../sms/provider";
import type { ProviderRegistry } from "../sms/registry.server";
import { TwilioCredentials } from "../sms/twilio.server";
import { clampedFor, SENDING_RULES, type MerchantLimits } from "../messaging/rules";
import type { AdminGraphql } from "../shopify-admin/graphql.server";
import { fieldErrors, type FieldErrors } from "../field-errors";

/**
 * The Settings page: sending rules, the consent disclosure, attribution windows, the SMS
 * provider (credentials sealed by the registry, never shown again) and a test send.
 */

// ---------------------------------------------------------------- sending rules

const clock = z
  .string()
  .trim()
  .regex(/^([01]\d|2[0-3]):[0-5]\d$/, "Use HH:MM, e.g. 20:00");
const whole = (min: number, max: number, unit: string) =>
  z.coerce
    .number({ message: "Enter a number" })
    .int("Enter a whole number")
    .min(min, `At least ${min} ${unit}`)
    .max(max, `At most ${max} ${unit}`);

export const SendingRulesForm = z
  .object({
    senderName: z
      .string()
      .trim()
      .max(30, "At most 30 characters: it starts every text")
      .transform((v) => v || null),
    quietStart: clock,
    quietEnd: clock,
    frequencyCapCount: whole(1, 20, "texts"),
    frequencyCapHours: whole(1, 720, "hours"),
    attributionClickDays: whole(1, 30, "days"),
    attributionSendHours: whole(1, 168, "hours"),
  })
  .refine((f) => f.quietStart !== f.quietEnd, {
    path: ["quietEnd"],
    message: "Quiet hours must end at a different time than they start",
  });

export const minutesOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
export const hhmmOf = (minutes: number) =>
  `${String(Math.floor(minutes / 60)).padStart(2, "0")}:${String(minutes % 60).padStart(2, "0")}`;

export async function saveSendingRules(
  db: Db,
  shopId: string,
  fields: Record<string, string>,
): Promise<{ errors: FieldErrors } | { saved: true }> {
  const parsed = SendingRulesForm.safeParse(fields);
  if (!parsed.success) return { errors: fieldErrors(parsed.error) };
  const f = parsed.data;
  await db.shopSettings.update({
    where: { shopId },
    data: {
      senderName: f.senderName,
      quietHoursStartMinute: minutesOf(f.quietStart),
      quietHoursEndMinute: minutesOf(f.quietEnd),
      frequencyCapCount: f.frequencyCapCount,
      frequencyCapHours: f.frequencyCapHours,
      attributionClickDays: f.attributionClickDays,
      attributionSendHours: f.attributionSendHours,
    },
  });
  return { saved: true };
}

// ---------------------------------------------------------------- disclosure

export const DisclosureForm = z.object({
  disclosureText: z
    .string()
    .trim()
    .min(
      40,
      "Say what shoppers sign up for, how often, that rates may apply and how to opt out (at least 40 characters)",
    )
    .max(1000, "At most 1000 characters")
    .refine((t) => /\bSTOP\b/.test(t), "Tell shoppers how to opt out, e.g. “Reply STOP to opt out.”"),
});

/**
 * Saves the wording and publishes it to the shop metafield the checkout extension reads.
 * Publishing needs Shopify (an offline session): without it (the local demo) the text is
 * saved and the page says it was not published, instead of failing.
 */
export async function saveDisclosure({
  deps,
  shopId,
  fields,
  now,
}: {
  deps: { db: Db; admin: AdminGraphql };
  shopId: string;
  fields: Record<string, string>;
  now: Date;
}) {
  const parsed = DisclosureForm.safeParse(fields);
  if (!parsed.success) return { errors: fieldErrors(parsed.error) };
  const shop = await deps.db.shop.findUniqueOrThrow({ where: { id: shopId }, include: { settings: true } });
  const missing = disclosureProblems(parsed.data.disclosureText, shopSenderName(shop));
  if (missing.length) return { errors: { disclosureText: `The disclosure must also say: ${missing.join("; ")}.` } };
  // The published copy is stale until the new text is published.
  await deps.db.shopSettings.update({
    where: { shopId },
    data: { disclosureText: parsed.data.disclosureText, disclosurePublishedAt: null },
  });
  try {
    await publishDisclosure(deps, shopId, now);
  } catch (error) {
    return {
      saved: true as const,
      published: false as const,
      warning: `Saved, but not published to checkout: ${(error as Error).message}`,
    };
  }
  await deps.db.shopSettings.update({ where: { shopId }, data: { disclosurePublishedAt: now } });
  return { saved: true as const, published: true as const };
}

// ---------------------------------------------------------------- provider

/** What the page may show of the provider: never the token (not even masked). */
export async function providerView(registry: ProviderRegistry, shop: ShopWithSettings) {
  if (shop.settings.provider !== "twilio") return { provider: "outbox" as const };
  try {
    const c = await registry.twilioCredentials(shop.id, shop.settings.providerCredentialsEnc);
    return {
      provider: "twilio" as const,
      accountSid: c.accountSid,
      from: c.from ?? null,
      messagingServiceSid: c.messagingServiceSid ?? null,
      readable: true,
    };
  } catch (error) {
    return {
      provider: "twilio" as const,
      accountSid: null,
      from: shop.settings.fromNumber,
      messagingServiceSid: null,
      readable: false,
      problem: (error as Error).message,
    };
  }
}

const blankToUndefined = z
  .string()
  .trim()
  .optional()
  .transform((v) => v || undefined);
export const TwilioForm = z.object({
  accountSid: z.string().trim().min(1, "Enter the Account SID"),
  authToken: blankToUndefined,
  from: blankToUndefined,
  messagingServiceSid: blankToUndefined,
});

/**
 * Connects Twilio. A blank Auth Token keeps the one already stored (the page never shows
 * it, so the merchant can change the number without pasting the token again).
 */
export async function connectTwilio(
  registry: ProviderRegistry,
  shop: ShopWithSettings,
  fields: Record<string, string>,
): Promise<{ errors: FieldErrors } | { saved: true }> {
  const form = TwilioForm.safeParse(fields);
  if (!form.success) return { errors: fieldErrors(form.error) };
  let authToken = form.data.authToken;
  let baseUrl: string | undefined;
  if (shop.settings.provider === "twilio" && shop.settings.providerCredentialsEnc) {
    const stored = await registry.twilioCredentials(shop.id, shop.settings.providerCredentialsEnc).catch(() => null);
    authToken ??= stored?.authToken;
    baseUrl = stored?.baseUrl;
  }
  if (!authToken) return { errors: { authToken: "Enter the Auth Token" } };
  const credentials = TwilioCredentials.safeParse({
    accountSid: form.data.accountSid,
    authToken,
    from: form.data.from,
    messagingServiceSid: form.data.messagingServiceSid,
    baseUrl,
  });
  if (!credentials.success) {
    const errors = fieldErrors(credentials.error);
    // The "a From number or a Messaging Service SID" rule has no single field: show it under From.
    if (errors.form) errors.from ??= errors.form;
    delete errors.form;
    if (errors.authToken) errors.authToken = "That is not an Auth Token (32 characters in Twilio's console)";
    if (errors.messagingServiceSid)
      errors.messagingServiceSid = "A Messaging Service SID starts with MG and has 32 hex digits";
    if (errors.from) errors.from = errors.from.includes("E.164") ? "Enter the number as +15551234567" : errors.from;
    return { errors };
  }
  try {
    await registry.useTwilio(shop.id, credentials.data);
  } catch (error) {
    return { errors: { form: (error as Error).message } };
  }
  return { saved: true };
}

// ---------------------------------------------------------------- test send

export const TestSendForm = z.object({ phone: z.string().trim().min(1, "Enter the phone number to text") });

/**
 * Sends one text through the shop's real provider (Twilio or the outbox) to a number the
 * merchant typed: it proves the credentials and sender work. It is not marketing and is
 * not recorded as a Message, so it never shows in the numbers.
 */
export async function sendTestSms(registry: ProviderRegistry, shop: ShopWithSettings, fields: Record<string, string>) {
  const form = TestSendForm.safeParse(fields);
  if (!form.success) return { errors: fieldErrors(form.error) };
  const phone = normalisePhone(form.data.phone, shop.countryCode);
  if (!phone.ok)
    return {
      errors: { phone: `Not a number we can text (${phone.reason}). Include the country code, e.g. +15551234567` },
    };
  try {
    const provider = await registry.forShop(shop.id);
    const accepted = await provider.send({
      to: phone.e164,
      body: `${shopSenderName(shop)}: this is a test text from your SMS marketing app.`,
      messageId: `test-${randomUUID()}`,
    });
    return { sent: true as const, provider: provider.name, providerMessageId: accepted.providerMessageId };
  } catch (error) {
    return { errors: { phone: explainSendError(error) } };
  }
}

function explainSendError(error: unknown): string {
  if (!(error instanceof ProviderError)) return `The text could not be sent: ${(error as Error).message}`;
  const why: Record<ProviderError["reason"], string> = {
    auth: "Twilio refused the Account SID / Auth Token. Check them and save again.",
    invalid_number: "The provider says this number cannot receive SMS.",
    opted_out: "This number has opted out at the carrier (it replied STOP to this sender).",
    rate_limited: "The provider is rate limiting this account; try again in a minute.",
    unavailable: "The provider could not be reached; try again shortly.",
    rejected: "The provider refused the text.",
  };
  return `${why[error.reason]} (${error.message})`;
}

// ---------------------------------------------------------------- rules in force

/**
 * The rules in force, per country or state, as the page lists them: what the law sets,
 * what your settings give there after clamping (the stricter of the two), and the source.
 */
export function rulesInForce(settings: MerchantLimits) {
  const yours = clampedFor(settings, { id: "", country: "", summary: "", source: "", effective: "" });
  const place = (r: (typeof SENDING_RULES)[number]) => (r.state ? `${r.country}-${r.state}` : r.country);
  return [
    {
      place: "Everywhere",
      rule: `Your settings: marketing texts ${hhmmOf(yours.window.start)}–${hhmmOf(yours.window.end)} in the shopper's time zone, at most ${yours.cap.count} per ${yours.cap.hours} h. When the zone is not certain, every candidate zone must be inside the window.`,
      inForce: null,
      source: "Your settings",
    },
    ...SENDING_RULES.map((r) => {
      const c = clampedFor(settings, r);
      const window = r.window
        ? `${hhmmOf(c.window.start)}–${hhmmOf(c.window.end)} local${c.windowClamped ? " (your quiet hours are looser: clamped)" : ""}`
        : null;
      const cap = r.cap
        ? `at most ${c.cap.count} per ${c.cap.hours} h${c.cap.clamped ? " (your cap is looser: clamped)" : ""}`
        : null;
      return {
        place: place(r),
        rule: r.summary,
        inForce: [window, cap].filter(Boolean).join(", ") || null,
        source: `${r.source}; in force since ${r.effective}`,
      };
    }),
    {
      place: "Everywhere",
      rule: `The first marketing text to a shopper ends with “${OPT_OUT_TEXT}” unless it already tells them how to opt out, and every text starts with your sender name. “${MALAYSIA_PREFIX}” is added for +60 numbers.`,
      inForce: null,
      source: "CTIA Messaging Principles and Best Practices; carriers",
    },
  ];
}

// ---------------------------------------------------------------- HELP reply

export const HelpForm = z.object({
  contactInfo: z
    .string()
    .trim()
    .max(100, "At most 100 characters")
    .transform((v) => v || null),
  helpText: z
    .string()
    .trim()
    .max(300, "At most 300 characters: HELP replies should fit two texts")
    .transform((v) => v || null)
    .refine((t) => t === null || /\bSTOP\b/.test(t), "Tell shoppers how to opt out, e.g. “Reply STOP to opt out.”")
    .refine(
      (t) => t === null || /\{brand\}|\{contact\}/.test(t) || t.length > 40,
      "Name your brand and where to get help (or use {brand} and {contact})",
    ),
  providerAnswersHelp: z
    .string()
    .optional()
    .transform((v) => v === "on" || v === "true"),
});

export async function saveHelp(
  db: Db,
  shopId: string,
  fields: Record<string, string>,
): Promise<{ errors: FieldErrors } | { saved: true }> {
  const parsed = HelpForm.safeParse(fields);
  if (!parsed.success) return { errors: fieldErrors(parsed.error) };
  await db.shopSettings.update({ where: { shopId }, data: parsed.data });
  return { saved: true };
}
