import { useState, type ReactNode } from "react";
import { Form } from "@remix-run/react";
import { Banner, BlockStack, Button, Card, FormLayout, Layout, TextField } from "@shopify/polaris";
import type { FieldErrors } from "../../field-errors";

/** Each settings form posts its own intent; the action answers with the intent it handled. */
export type Intent = "rules" | "help" | "disclosure" | "twilio" | "outbox" | "test" | "sync";
export interface Outcome {
  intent: Intent;
  errors?: FieldErrors;
  notice?: string;
  warning?: string;
}

/** What every section needs from the page: the last form's outcome and whether a post is going. */
export interface SectionProps {
  outcome: Outcome | undefined;
  busy: boolean;
}

/** The field errors of `intent`'s form, when it was the one posted. */
export const errorsFor = (outcome: Outcome | undefined, intent: Intent): FieldErrors =>
  outcome?.intent === intent ? (outcome.errors ?? {}) : {};

/** The notice, warning or form error of the last post, shown by the section that posted it. */
export function Feedback({ outcome, intent }: { outcome: Outcome | undefined; intent: Intent }) {
  return outcome?.intent !== intent ? null : (
    <>
      {outcome.notice && <Banner tone="success">{outcome.notice}</Banner>}
      {outcome.warning && <Banner tone="warning">{outcome.warning}</Banner>}
      {outcome.errors?.form && <Banner tone="critical">{outcome.errors.form}</Banner>}
    </>
  );
}

/** A post form carrying its intent. */
export function IntentForm({ intent, children }: { intent: Intent; children: ReactNode }) {
  return (
    <Form method="post">
      <input type="hidden" name="intent" value={intent} />
      {children}
    </Form>
  );
}

/** One settings area: its title and description beside a card. */
export function Section({
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

/**
 * A settings area that is one form: the last post's feedback, what comes `before` the form,
 * the fields, and the submit button.
 */
export function FormSection({
  intent,
  id,
  title,
  description,
  submit,
  before,
  outcome,
  busy,
  children,
}: SectionProps & {
  intent: Intent;
  id?: string;
  title: string;
  description: string;
  submit: { label: string; primary: boolean };
  before?: ReactNode;
  children: ReactNode;
}) {
  return (
    <Section id={id} title={title} description={description}>
      <Feedback outcome={outcome} intent={intent} />
      {before}
      <IntentForm intent={intent}>
        <FormLayout>
          {children}
          <Button submit variant={submit.primary ? "primary" : undefined} loading={busy}>
            {submit.label}
          </Button>
        </FormLayout>
      </IntentForm>
    </Section>
  );
}

export interface FieldProps {
  name: string;
  label: string;
  initial?: string;
  error?: string;
  helpText?: string;
  placeholder?: string;
  type?: "text" | "number" | "time" | "password";
  multiline?: number;
}

/** A named Polaris text field that posts with its form (uncontrolled from the form's point of view). */
export function Field(p: FieldProps) {
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
