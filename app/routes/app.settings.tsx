import { type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import {
  Badge,
  Banner,
  BlockStack,
  Button,
  Card,
  Checkbox,
  FormLayout,
  InlineStack,
  Layout,
  Page,
  Text,
  TextField,
} from "@shopify/polaris";
import { useState, type ReactNode } from "react";
import { requireShop } from "../admin/auth.server";
import { badRequest, invalid } from "../admin/form-result";
import { formFields, type FieldErrors } from "../field-errors";
import { formatDateTime } from "../admin/format";
import {
  connectTwilio,
  hhmmOf,
  providerView,
  rulesInForce,
  saveDisclosure,
  saveHelp,
  saveSendingRules,
  sendTestSms,
} from "../admin/settings.server";
import db from "../db.server";
import { providers, clock } from "../runtime/services.server";
import { DEFAULT_HELP_TEXT } from "../messaging/help";
import { shopifyAdminGraphql } from "../runtime/shopify-admin-graphql.server";
import { queue } from "../runtime/job-engine.server";
import { startSync } from "../sync/run.server";
import { syncReport } from "../sync/report.server";
import { SyncProgress } from "../components/SyncProgress";
import { usePollWhile } from "../components/usePollWhile";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await requireShop(request);
  const s = shop.settings;
  return {
    provider: await providerView(providers, shop),
    rules: {
      senderName: s.senderName ?? "",
      quietStart: hhmmOf(s.quietHoursStartMinute),
      quietEnd: hhmmOf(s.quietHoursEndMinute),
      frequencyCapCount: String(s.frequencyCapCount),
      frequencyCapHours: String(s.frequencyCapHours),
      attributionClickDays: String(s.attributionClickDays),
      attributionSendHours: String(s.attributionSendHours),
    },
    defaultSender: shop.name ?? shop.domain,
    disclosureText: s.disclosureText ?? "",
    disclosurePublishedAt: s.disclosurePublishedAt,
    rulesInForce: rulesInForce(s),
    help: {
      contactInfo: s.contactInfo ?? "",
      helpText: s.helpText ?? "",
      providerAnswersHelp: s.providerAnswersHelp,
      defaultContact: shop.email ?? `https://${shop.domain}`,
    },
    timeZone: shop.ianaTimezone,
    sync: await syncReport(db, shop.id, clock.now()),
  };
};

type Intent = "rules" | "help" | "disclosure" | "twilio" | "outbox" | "test" | "sync";
interface Outcome {
  intent: Intent;
  errors?: FieldErrors;
  notice?: string;
  warning?: string;
}

export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop } = await requireShop(request);
  const fields = formFields(await request.formData());
  const intent = fields.intent as Intent;
  // Every settings function answers { errors } (400, shown under the fields) or success, maybe with a warning.
  const answer = (result: object, notice: string) => {
    const { errors, warning } = result as { errors?: FieldErrors; warning?: string };
    return errors ? invalid(errors, { intent }) : ({ intent, notice, warning } satisfies Outcome);
  };
  switch (intent) {
    case "rules":
      return answer(await saveSendingRules(db, shop.id, fields), "Sending rules saved.");
    case "help":
      return answer(await saveHelp(db, shop.id, fields), "HELP reply saved.");
    case "disclosure": {
      const result = await saveDisclosure({ db, admin: shopifyAdminGraphql }, shop.id, fields, clock.now());
      return answer(
        result,
        "published" in result && result.published ? "Disclosure saved and published to checkout." : "Disclosure saved.",
      );
    }
    case "twilio":
      return answer(await connectTwilio(providers, shop, fields), "Twilio connected: texts now go through Twilio.");
    case "outbox":
      await providers.useOutbox(shop.id);
      return answer({}, "Switched to the local outbox: texts stay in the app. The Twilio credentials were deleted.");
    case "test": {
      const result = await sendTestSms(providers, shop, fields);
      return answer(
        result,
        "errors" in result ? "" : `Test text accepted by ${result.provider} (${result.providerMessageId}).`,
      );
    }
    case "sync": {
      const { created } = await startSync({ db, queue, clock: clock }, shop.id, { reason: "settings" });
      return answer({}, created ? "History import started." : "An import is already running.");
    }
    default:
      return badRequest("Unknown action");
  }
};

export default function Settings() {
  const d = useLoaderData<typeof loader>();
  usePollWhile(d.sync?.status === "RUNNING" || d.sync?.status === "SEGMENTS");
  const outcome = useActionData<typeof action>() as Outcome | undefined;
  const busy = useNavigation().state !== "idle";
  const errorsFor = (intent: Intent) => (outcome?.intent === intent ? (outcome.errors ?? {}) : {});
  const Feedback = ({ intent }: { intent: Intent }) =>
    outcome?.intent !== intent ? null : (
      <>
        {outcome.notice && <Banner tone="success">{outcome.notice}</Banner>}
        {outcome.warning && <Banner tone="warning">{outcome.warning}</Banner>}
        {outcome.errors?.form && <Banner tone="critical">{outcome.errors.form}</Banner>}
      </>
    );

  return (
    <Page title="Settings">
      <Layout>
        <Section
          title="SMS provider"
          description="Where texts are sent from. Credentials are stored encrypted and never shown again."
        >
          <Feedback intent="twilio" />
          <Feedback intent="outbox" />
          <InlineStack gap="200" blockAlign="center">
            <Text as="span">Active:</Text>
            {d.provider.provider === "twilio" ? (
              <Badge tone="success">Twilio</Badge>
            ) : (
              <Badge tone="info">Local outbox</Badge>
            )}
            {d.provider.provider === "twilio" && (
              <Text as="span" tone="subdued">
                {d.provider.accountSid ?? "credentials unreadable"} ·{" "}
                {d.provider.messagingServiceSid ?? d.provider.from ?? ""}
              </Text>
            )}
          </InlineStack>
          {d.provider.provider === "twilio" && !d.provider.readable && (
            <Banner tone="critical">{d.provider.problem}</Banner>
          )}
          <TwilioForm provider={d.provider} errors={errorsFor("twilio")} busy={busy} />
          {d.provider.provider === "twilio" && (
            <Form method="post">
              <input type="hidden" name="intent" value="outbox" />
              <Button submit tone="critical" variant="plain">
                Stop using Twilio (switch to the local outbox)
              </Button>
            </Form>
          )}
        </Section>

        <Section
          title="Test send"
          description="Sends one text through the active provider to a number you choose. It is not marketing and is not counted."
        >
          <Feedback intent="test" />
          <Form method="post">
            <input type="hidden" name="intent" value="test" />
            <FormLayout>
              <Field name="phone" label="Phone number" placeholder="+15551234567" error={errorsFor("test").phone} />
              <Button submit loading={busy}>
                Send test text
              </Button>
            </FormLayout>
          </Form>
        </Section>

        <Section
          title="Sending rules"
          description={`Checked when each text is about to go. Quiet hours are in each shopper's time zone (your shop's, ${d.timeZone}, when unknown).`}
        >
          <Feedback intent="rules" />
          <Form method="post">
            <input type="hidden" name="intent" value="rules" />
            <FormLayout>
              <Field
                name="senderName"
                label="Sender name"
                initial={d.rules.senderName}
                helpText={`Starts every text. Empty: “${d.defaultSender}”.`}
                error={errorsFor("rules").senderName}
              />
              <FormLayout.Group condensed>
                <Field
                  name="quietStart"
                  label="Quiet hours start"
                  initial={d.rules.quietStart}
                  type="time"
                  error={errorsFor("rules").quietStart}
                />
                <Field
                  name="quietEnd"
                  label="Quiet hours end"
                  initial={d.rules.quietEnd}
                  type="time"
                  error={errorsFor("rules").quietEnd}
                />
              </FormLayout.Group>
              <FormLayout.Group condensed>
                <Field
                  name="frequencyCapCount"
                  label="At most this many marketing texts"
                  initial={d.rules.frequencyCapCount}
                  type="number"
                  error={errorsFor("rules").frequencyCapCount}
                />
                <Field
                  name="frequencyCapHours"
                  label="…per this many hours"
                  initial={d.rules.frequencyCapHours}
                  type="number"
                  error={errorsFor("rules").frequencyCapHours}
                />
              </FormLayout.Group>
              <Text as="h3" variant="headingSm">
                Attribution windows
              </Text>
              <FormLayout.Group condensed>
                <Field
                  name="attributionClickDays"
                  label="Credit an order to a click within (days)"
                  initial={d.rules.attributionClickDays}
                  type="number"
                  error={errorsFor("rules").attributionClickDays}
                />
                <Field
                  name="attributionSendHours"
                  label="…or to a text sent within (hours)"
                  initial={d.rules.attributionSendHours}
                  type="number"
                  error={errorsFor("rules").attributionSendHours}
                />
              </FormLayout.Group>
              <Button submit variant="primary" loading={busy}>
                Save sending rules
              </Button>
            </FormLayout>
          </Form>
        </Section>

        <Section
          title="Rules in force"
          description="What the law sets per country or state, applied at send time on top of your settings: where your settings are looser, the law's limit is used."
        >
          {d.rulesInForce.map((r) => (
            <BlockStack key={`${r.place}:${r.rule}`} gap="100">
              <InlineStack gap="300" wrap={false} blockAlign="start">
                <Badge>{r.place}</Badge>
                <Text as="p">{r.rule}</Text>
              </InlineStack>
              {r.inForce && (
                <Text as="p" fontWeight="semibold">
                  In force for your shop: {r.inForce}
                </Text>
              )}
              <Text as="p" tone="subdued" variant="bodySm">
                {r.source}
              </Text>
            </BlockStack>
          ))}
        </Section>

        <Section
          id="history"
          title="Store history"
          description="Customers, SMS consent, orders of the last two years and products, imported from Shopify. Segments are computed once when it finishes; past events never start a flow."
        >
          <Feedback intent="sync" />
          {d.sync && (d.sync.status === "RUNNING" || d.sync.status === "SEGMENTS" || d.sync.status === "FAILED") ? (
            <SyncProgress report={d.sync} />
          ) : (
            <Text as="p" tone="subdued">
              {d.sync?.finishedAt
                ? `Last imported ${formatDateTime(d.sync.finishedAt, d.timeZone)}.`
                : "Not imported yet."}
            </Text>
          )}
          <Form method="post">
            <input type="hidden" name="intent" value="sync" />
            <Button submit>Import again</Button>
          </Form>
        </Section>

        <Section
          title="HELP reply"
          description="What a shopper who texts HELP receives: your brand, where to get help, how often you text, that rates may apply, and how to stop."
        >
          <Feedback intent="help" />
          <Form method="post">
            <input type="hidden" name="intent" value="help" />
            <FormLayout>
              <Field
                name="contactInfo"
                label="Help contact"
                initial={d.help.contactInfo}
                helpText={`An e-mail, phone or web address. Empty: “${d.help.defaultContact}” (your shop's contact e-mail from Shopify).`}
              />
              <Field
                name="helpText"
                label="HELP reply"
                initial={d.help.helpText}
                multiline={3}
                placeholder={DEFAULT_HELP_TEXT}
                helpText="Empty: the default shown. {brand}, {contact} and {frequency} are filled in."
                error={errorsFor("help").helpText}
              />
              <HelpCheckbox initial={d.help.providerAnswersHelp} />
              <Button submit variant="primary" loading={busy}>
                Save HELP reply
              </Button>
            </FormLayout>
          </Form>
        </Section>

        <Section
          id="disclosure"
          title="Checkout consent disclosure"
          description="The wording the SMS consent block shows at checkout. Each published text is kept as a version, and every consent collected at checkout records the version in force. It must name your brand and say: recurring automated marketing texts, how often, Msg & data rates may apply, consent is not a condition of purchase, Reply HELP for help, Reply STOP to opt out."
        >
          <Feedback intent="disclosure" />
          <Text as="p" tone="subdued">
            {d.disclosurePublishedAt
              ? `Published to checkout ${formatDateTime(d.disclosurePublishedAt, d.timeZone)}.`
              : "Not published to checkout yet."}
          </Text>
          <Form method="post">
            <input type="hidden" name="intent" value="disclosure" />
            <FormLayout>
              <Field
                name="disclosureText"
                label="Disclosure"
                initial={d.disclosureText}
                multiline={4}
                placeholder="Northbean: recurring automated marketing texts about offers and restocks, up to 4 msgs/month. Consent is not a condition of purchase. Msg & data rates may apply. Reply HELP for help, STOP to opt out."
                error={errorsFor("disclosure").disclosureText}
              />
              <Button submit variant="primary" loading={busy}>
                Save and publish
              </Button>
            </FormLayout>
          </Form>
        </Section>
      </Layout>
    </Page>
  );
}

function Section({
  id,
  title,
  description,
  children,
}: {
  id?: string;
  title: string;
  description: string;
  children: ReactNode;
}) {
  return (
    <Layout.AnnotatedSection id={id} title={title} description={description}>
      <Card>
        <BlockStack gap="300">{children}</BlockStack>
      </Card>
    </Layout.AnnotatedSection>
  );
}

/** A named Polaris text field that posts with its form (uncontrolled from the form's point of view). */
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

function Field(p: {
  name: string;
  label: string;
  initial?: string;
  error?: string;
  helpText?: string;
  placeholder?: string;
  type?: "text" | "number" | "time" | "password";
  multiline?: number;
}) {
  const [value, setValue] = useState(p.initial ?? "");
  return (
    <TextField
      name={p.name}
      label={p.label}
      value={value}
      onChange={setValue}
      error={p.error}
      helpText={p.helpText}
      placeholder={p.placeholder}
      type={p.type}
      multiline={p.multiline}
      autoComplete="off"
    />
  );
}

function TwilioForm({
  provider,
  errors,
  busy,
}: {
  provider: Awaited<ReturnType<typeof providerView>>;
  errors: FieldErrors;
  busy: boolean;
}) {
  const connected = provider.provider === "twilio";
  return (
    <Form method="post">
      <input type="hidden" name="intent" value="twilio" />
      <FormLayout>
        <Field
          name="accountSid"
          label="Twilio Account SID"
          initial={connected ? (provider.accountSid ?? "") : ""}
          placeholder="AC…"
          error={errors.accountSid}
        />
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
          <Field
            name="from"
            label="From number"
            initial={connected ? (provider.from ?? "") : ""}
            placeholder="+15551234567"
            error={errors.from}
          />
          <Field
            name="messagingServiceSid"
            label="…or Messaging Service SID"
            initial={connected ? (provider.messagingServiceSid ?? "") : ""}
            placeholder="MG…"
            error={errors.messagingServiceSid}
          />
        </FormLayout.Group>
        <Button submit variant="primary" loading={busy}>
          {connected ? "Update Twilio" : "Connect Twilio"}
        </Button>
      </FormLayout>
    </Form>
  );
}
