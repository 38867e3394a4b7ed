import { createHash } from "node:crypto";
import { parsePhoneNumberFromString } from "libphonenumber-js/max";

/**
 * Who a webhook body is about, as keys customers/redact can look up (WebhookInboxSubject):
 * "customer:<Shopify id>", "email:<sha256>" and "phone:<sha256 of the digits>". E-mails and
 * numbers are digested so the index is not a second copy of them; it lives only as long as
 * the body it points at (which holds them in clear anyway), so no key is needed.
 *
 * Read from the whole body, not a per-topic list: every e-mail and phone field at any depth
 * (customer, addresses, sms_marketing_phone, ...) and every customer id (a `customer` object's
 * id, any `customer_id`, the top-level id of a customer topic). Pass the body as parsed by
 * webhooks/json (64-bit ids kept exact, as the app stores them).
 */
export function inboxSubjectKeys(topic: string, payload: unknown): string[] {
  const found = { customerIds: new Set<string>(), emails: new Set<string>(), phones: new Set<string>() };
  // customers/* and customers_marketing_consent/update: the body is the customer.
  if (topic.startsWith("customers") && isRecord(payload) && isScalar(payload.id)) {
    found.customerIds.add(String(payload.id));
  }
  walk(payload, null, found);
  return shopperSubjectKeys({
    customerIds: [...found.customerIds],
    emails: [...found.emails],
    phones: [...found.phones],
  });
}

/**
 * The keys a shopper's bodies were indexed under. A number is looked up by the digits of its
 * E.164 form, of its national form and as given, so a body that wrote it nationally
 * ("(613) 555-0135", "07413 123456") is found from "+16135550135" / "+447413123456".
 */
export function shopperSubjectKeys(who: {
  customerIds: readonly string[];
  emails: readonly (string | null | undefined)[];
  phones: readonly (string | null | undefined)[];
}): string[] {
  const keys = new Set<string>();
  for (const id of who.customerIds) keys.add(`customer:${id}`);
  for (const email of who.emails) {
    const e = email?.trim().toLowerCase();
    if (e) keys.add(`email:${sha256(e)}`);
  }
  for (const phone of who.phones) for (const digits of phoneDigitForms(phone)) keys.add(`phone:${sha256(digits)}`);
  return [...keys];
}

/**
 * The digit strings a number may appear as: as written, without a national trunk prefix
 * ("07413 …" → "7413…"), E.164 without "+", national.
 */
export function phoneDigitForms(phone: string | null | undefined): string[] {
  const raw = (phone ?? "").replace(/\D/g, "");
  if (raw.length < 6) return [];
  const forms = new Set([raw, raw.replace(/^0+/, "")]);
  const parsed = parsePhoneNumberFromString(phone!.trim());
  if (parsed?.isValid()) {
    forms.add(parsed.number.slice(1));
    forms.add(String(parsed.nationalNumber));
  }
  return [...forms];
}

type Found = { customerIds: Set<string>; emails: Set<string>; phones: Set<string> };

function walk(node: unknown, key: string | null, found: Found): void {
  if (Array.isArray(node)) {
    for (const item of node) walk(item, key, found);
    return;
  }
  if (isRecord(node)) {
    if (key === "customer" && isScalar(node.id)) found.customerIds.add(String(node.id));
    for (const [k, v] of Object.entries(node)) walk(v, k, found);
    return;
  }
  if (!isScalar(node) || key === null) return;
  if (/email$/i.test(key)) found.emails.add(String(node));
  else if (/phone$/i.test(key)) found.phones.add(String(node));
  else if (key === "customer_id") found.customerIds.add(String(node));
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null;
const isScalar = (v: unknown): v is string | number => (typeof v === "string" && v !== "") || typeof v === "number";
const sha256 = (s: string) => createHash("sha256").update(s).digest("hex");
