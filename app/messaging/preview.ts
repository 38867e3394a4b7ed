import { shortUrl, URL_PATTERN } from "../tracking/short-url";
import { composeBody } from "./compliance";
import { encodeSms, type SmsEncoding } from "./sms-encoding";
import { PREVIEW_VALUES, renderTemplate, unknownVariables, type TemplateValues } from "./template";

export interface PreviewSettings {
  /** How texts are signed (the shop's sender name, else its name). */
  senderName: string;
  shopName: string;
  /** Short links live here: they replace every URL at send time. */
  appUrl: string;
  costPerSegment: number;
}

export interface MessagePreview {
  /** The template with the sample shopper's values. */
  rendered: string;
  /** Exactly what the first text to that shopper would say: sender name, opt-out text, short links. */
  body: string;
  sms: SmsEncoding;
  cost: number;
  unknownVariables: string[];
}

/** A sample shopper's link as it is sent: a short link of the real length (8-character code). */
const SAMPLE_CODE = "aB3dE5gH";

/**
 * The admin's live preview of a template, computed the way dispatch composes a real text
 * (template → compliance additions → tracked links), so the segment count and cost shown
 * are the ones the shop will pay for. Pure: runs in the browser as the merchant types.
 */
export function previewMessage(
  template: string,
  settings: PreviewSettings,
  values: TemplateValues = PREVIEW_VALUES,
): MessagePreview {
  const rendered = renderTemplate(template, { ...values, shop_name: settings.shopName });
  const composed = composeBody({
    body: rendered,
    senderName: settings.senderName,
    purpose: "marketing",
    firstMessage: true,
    numberCountry: null,
  });
  const body = composed.replace(URL_PATTERN, () => shortUrl(settings.appUrl, SAMPLE_CODE));
  const sms = encodeSms(body);
  return {
    rendered,
    body,
    sms,
    cost: sms.segments * settings.costPerSegment,
    unknownVariables: unknownVariables(template),
  };
}
