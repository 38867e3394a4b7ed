import { useState } from "react";
import { Checkbox, Text } from "@shopify/polaris";
import { formatDateTime } from "../../admin/format";
import { DEFAULT_HELP_TEXT } from "../../messaging/help";
import { errorsFor, Field, FormSection, type SectionProps } from "./settings-form";

/** The reply to HELP: contact, wording, or none when the provider answers HELP itself. */
export function HelpSection({
  help,
  outcome,
  busy,
}: SectionProps & {
  help: { contactInfo: string; helpText: string; providerAnswersHelp: boolean; defaultContact: string };
}) {
  return (
    <FormSection
      intent="help"
      title="HELP reply"
      description="What a shopper who texts HELP receives: your brand, where to get help, how often you text, that rates may apply, and how to stop."
      submit={{ label: "Save HELP reply", primary: true }}
      outcome={outcome}
      busy={busy}
    >
      <Field
        name="contactInfo"
        label="Help contact"
        initial={help.contactInfo}
        helpText={`An e-mail, phone or web address. Empty: “${help.defaultContact}” (your shop's contact e-mail from Shopify).`}
      />
      <Field
        name="helpText"
        label="HELP reply"
        initial={help.helpText}
        multiline={3}
        placeholder={DEFAULT_HELP_TEXT}
        helpText="Empty: the default shown. {brand}, {contact} and {frequency} are filled in."
        error={errorsFor(outcome, "help").helpText}
      />
      <HelpCheckbox initial={help.providerAnswersHelp} />
    </FormSection>
  );
}

/** A Polaris checkbox that posts with its form (as "on" or empty, like a plain checkbox). */
function HelpCheckbox({ initial }: { initial: boolean }) {
  const [checked, setChecked] = useState(initial);
  return (
    <>
      <input type="hidden" name="providerAnswersHelp" value={checked ? "on" : ""} />
      <Checkbox
        label="My SMS provider already answers HELP (don't send a second reply)"
        checked={checked}
        onChange={setChecked}
      />
    </>
  );
}

/** The checkout consent wording, saved and published as a new version. */
export function DisclosureSection({
  text,
  publishedAt,
  timeZone,
  outcome,
  busy,
}: SectionProps & { text: string; publishedAt: Date | string | null; timeZone: string }) {
  return (
    <FormSection
      intent="disclosure"
      id="disclosure"
      title="Checkout consent disclosure"
      description="The wording the SMS consent block shows at checkout. Each published text is kept as a version, and every consent collected at checkout records the version in force. It must name your brand and say: recurring automated marketing texts, how often, Msg & data rates may apply, consent is not a condition of purchase, Reply HELP for help, Reply STOP to opt out."
      submit={{ label: "Save and publish", primary: true }}
      before={
        <Text as="p" tone="subdued">
          {publishedAt
            ? `Published to checkout ${formatDateTime(publishedAt, timeZone)}.`
            : "Not published to checkout yet."}
        </Text>
      }
      outcome={outcome}
      busy={busy}
    >
      <Field
        name="disclosureText"
        label="Disclosure"
        initial={text}
        multiline={4}
        placeholder="Northbean: recurring automated marketing texts about offers and restocks, up to 4 msgs/month. Consent is not a condition of purchase. Msg & data rates may apply. Reply HELP for help, STOP to opt out."
        error={errorsFor(outcome, "disclosure").disclosureText}
      />
    </FormSection>
  );
}
