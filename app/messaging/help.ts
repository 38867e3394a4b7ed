import { frequencyText } from "../consent/program-texts";

/**
 * The HELP reply. Carriers (CTIA Messaging Principles and Best Practices) expect it to name
 * the brand, say where to get help, how often texts come, that rates may apply, and how to
 * stop. The merchant may write their own; placeholders fill in what the app knows.
 */
export interface HelpFacts {
  brand: string;
  /** The merchant's help contact; else the shop's contact e-mail from Shopify; else its address. */
  contact: string;
  frequencyCapCount: number;
  frequencyCapHours: number;
}

export const DEFAULT_HELP_TEXT =
  "{brand}: help at {contact}. {frequency}. Msg & data rates may apply. Reply STOP to opt out.";

export function helpReply(template: string | null, facts: HelpFacts): string {
  return (template ?? DEFAULT_HELP_TEXT)
    .replaceAll("{brand}", facts.brand)
    .replaceAll("{contact}", facts.contact)
    .replaceAll("{frequency}", frequencyText(facts.frequencyCapCount, facts.frequencyCapHours));
}
