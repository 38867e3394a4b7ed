import { Badge, Banner, Button, FormLayout, InlineStack, Text } from "@shopify/polaris";
import type { providerView } from "../../admin/settings.server";
import type { FieldErrors } from "../../field-errors";
import { errorsFor, Feedback, Field, FormSection, IntentForm, Section, type SectionProps } from "./settings-form";

type ProviderView = Awaited<ReturnType<typeof providerView>>;

/** The active provider, the Twilio form, and the way back to the local outbox. */
export function ProviderSection({ provider, outcome, busy }: SectionProps & { provider: ProviderView }) {
  return (
    <Section
      title="SMS provider"
      description="Where texts are sent from. Credentials are stored encrypted and never shown again."
    >
      <Feedback outcome={outcome} intent="twilio" />
      <Feedback outcome={outcome} intent="outbox" />
      <InlineStack gap="200" blockAlign="center">
        <Text as="span">Active:</Text>
        {provider.provider === "twilio" ? (
          <Badge tone="success">Twilio</Badge>
        ) : (
          <Badge tone="info">Local outbox</Badge>
        )}
        {provider.provider === "twilio" && (
          <Text as="span" tone="subdued">
            {provider.accountSid ?? "credentials unreadable"} · {provider.messagingServiceSid ?? provider.from ?? ""}
          </Text>
        )}
      </InlineStack>
      {provider.provider === "twilio" && !provider.readable && <Banner tone="critical">{provider.problem}</Banner>}
      <TwilioForm provider={provider} errors={errorsFor(outcome, "twilio")} busy={busy} />
      {provider.provider === "twilio" && (
        <IntentForm intent="outbox">
          <Button submit tone="critical" variant="plain">
            Stop using Twilio (switch to the local outbox)
          </Button>
        </IntentForm>
      )}
    </Section>
  );
}

function TwilioForm({ provider, errors, busy }: { provider: ProviderView; errors: FieldErrors; busy: boolean }) {
  const connected = provider.provider === "twilio";
  // The stored values are shown (never the token) so the merchant sees what is connected.
  const field = (name: "accountSid" | "from" | "messagingServiceSid", label: string, placeholder: string) => (
    <Field
      name={name}
      label={label}
      initial={connected ? (provider[name] ?? "") : ""}
      placeholder={placeholder}
      error={errors[name]}
    />
  );
  return (
    <IntentForm intent="twilio">
      <FormLayout>
        {field("accountSid", "Twilio Account SID", "AC…")}
        <Field
          name="authToken"
          label="Auth Token"
          type="password"
          helpText={
            connected
              ? "Stored encrypted. Leave empty to keep the current token."
              : "Stored encrypted; never shown again."
          }
          error={errors.authToken}
        />
        <FormLayout.Group condensed>
          {field("from", "From number", "+15551234567")}
          {field("messagingServiceSid", "…or Messaging Service SID", "MG…")}
        </FormLayout.Group>
        <Button submit variant="primary" loading={busy}>
          {connected ? "Update Twilio" : "Connect Twilio"}
        </Button>
      </FormLayout>
    </IntentForm>
  );
}

/** One text through the active provider to a number the merchant chooses. */
export function TestSendSection(state: SectionProps) {
  return (
    <FormSection
      intent="test"
      title="Test send"
      description="Sends one text through the active provider to a number you choose. It is not marketing and is not counted."
      submit={{ label: "Send test text", primary: false }}
      {...state}
    >
      <Field
        name="phone"
        label="Phone number"
        placeholder="+15551234567"
        error={errorsFor(state.outcome, "test").phone}
      />
    </FormSection>
  );
}
