/**
 * The two texts of a recurring-marketing program that carriers ask for (CTIA Messaging
 * Principles and Best Practices, §5.1.2 consumer opt-in, §5.1.2.1 confirm opt-in for
 * recurring messages): the request to confirm a sign-up, and the confirmation after a new
 * subscription. Both name the brand, what is sent and how often, that rates may apply,
 * HELP and STOP.
 */
export interface ProgramFacts {
  brand: string;
  frequencyCapCount: number;
  frequencyCapHours: number;
}

/** "Up to 2 marketing msgs per day": the program frequency every consent text and the HELP reply state. */
export function frequencyText(count: number, hours: number): string {
  const per = hours === 24 ? "day" : hours % 24 === 0 ? `${hours / 24} days` : `${hours} hours`;
  return `Up to ${count} marketing msg${count === 1 ? "" : "s"} per ${per}`;
}

/** Sent for a storefront or keyword sign-up; only a "Y" from the number subscribes it. */
export const confirmRequestText = (f: ProgramFacts, windowHours: number) =>
  `${f.brand}: Reply Y within ${windowHours} hours to confirm you want recurring automated marketing texts ` +
  `(${frequencyText(f.frequencyCapCount, f.frequencyCapHours).toLowerCase()}). ` +
  "Consent is not a condition of purchase. Msg & data rates may apply. Reply HELP for help, STOP to opt out.";

/** Sent once after every new marketing subscription of a number. */
export const subscribedText = (f: ProgramFacts) =>
  `${f.brand}: You're subscribed to recurring automated marketing texts ` +
  `(${frequencyText(f.frequencyCapCount, f.frequencyCapHours).toLowerCase()}). ` +
  "Msg & data rates may apply. Reply HELP for help, STOP to opt out.";
