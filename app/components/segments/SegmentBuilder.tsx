import { useEffect, useMemo, useState } from "react";
import { useFetcher, useNavigation, useSubmit } from "@remix-run/react";
import { Banner, BlockStack, Card, FormLayout, Layout, Page, Spinner, Text, TextField } from "@shopify/polaris";
import { draftToNode, updateItem, type DraftGroup, type DraftItem, type FormErrors } from "../../admin/segments/draft";
import { describeDefinition } from "../../segments/describe";
import { SegmentNodeSchema } from "../../segments/definition";
import { formatCount } from "../../admin/format";
import { GroupEditor } from "./ConditionTree";
import { SectionCard } from "../SectionCard";

type Preview = {
  preview: {
    count: number;
    subscribers: number;
    exact: boolean;
    members: {
      id: string;
      name: string;
      phone: string | null;
      consent: string;
    }[];
  } | null;
  incomplete: boolean;
};

/** Waits this long after the last edit before asking for a count: one query per pause, not per keystroke. */
const PREVIEW_DEBOUNCE_MS = 400;

export interface BuilderProps {
  title: string;
  backUrl: string;
  initial: { name: string; description: string; root: DraftGroup };
  errors?: FormErrors;
}

/** Name, description and the condition tree, with a live count and member preview of the draft. */
export function SegmentBuilder({ title, backUrl, initial, errors = {} }: BuilderProps) {
  const [name, setName] = useState(initial.name);
  const [description, setDescription] = useState(initial.description);
  const [root, setRoot] = useState(initial.root);
  const { node, paths } = useMemo(() => draftToNode(root), [root]);
  const definition = JSON.stringify(node);
  const submit = useSubmit();
  const saving = useNavigation().state === "submitting";
  const preview = useFetcher<Preview>();

  useEffect(() => {
    const timer = setTimeout(
      () => preview.submit({ definition }, { method: "post", action: "/app/segments/preview" }),
      PREVIEW_DEBOUNCE_MS,
    );
    return () => clearTimeout(timer);
  }, [definition]);

  const onChange = (id: string, change: (item: DraftItem) => DraftItem | null) =>
    setRoot((r) => updateItem(r, id, change));
  const save = () => submit({ name, description, definition }, { method: "post" });
  const conditionErrors = errors.conditions ?? {};
  const hasErrors = Object.keys(errors).length > 0;

  return (
    <Page
      title={title}
      backAction={{ content: "Segments", url: backUrl }}
      primaryAction={{
        content: "Save segment",
        onAction: save,
        loading: saving,
      }}
    >
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            {hasErrors ? (
              <Banner tone="critical" title="The segment was not saved">
                <p>{errors.definition ?? "Fix the fields marked below."}</p>
              </Banner>
            ) : null}
            <Card>
              <FormLayout>
                <TextField
                  label="Name"
                  value={name}
                  onChange={setName}
                  error={errors.name}
                  autoComplete="off"
                  maxLength={80}
                />
                <TextField
                  label="Description"
                  value={description}
                  onChange={setDescription}
                  error={errors.description}
                  autoComplete="off"
                  multiline={2}
                />
              </FormLayout>
            </Card>
            <SectionCard title="Conditions">
              <GroupEditor group={root} depth={0} errors={conditionErrors} paths={paths} onChange={onChange} />
            </SectionCard>
          </BlockStack>
        </Layout.Section>
        <Layout.Section variant="oneThird">
          <LivePreview
            data={preview.data}
            loading={preview.state !== "idle"}
            words={SegmentNodeSchema.safeParse(node).success ? describeDefinition(node) : null}
          />
        </Layout.Section>
      </Layout>
    </Page>
  );
}

function LivePreview({ data, loading, words }: { data: Preview | undefined; loading: boolean; words: string | null }) {
  const p = data?.preview;
  return (
    <SectionCard
      title={<>Matching customers {loading ? <Spinner size="small" accessibilityLabel="Counting" /> : null}</>}
    >
      {words ? <Text as="p" tone="subdued">{`Customers who ${words}.`}</Text> : null}
      {!p ? (
        <Text as="p" tone="subdued">
          {data?.incomplete ? "Finish the conditions to see who matches." : "Counting…"}
        </Text>
      ) : (
        <BlockStack gap="200">
          <Text as="p" variant="headingLg" id="live-count">
            {`${p.exact ? "" : "about "}${formatCount(p.count)} customers`}
          </Text>
          <Text as="p">{`${formatCount(p.subscribers)} of them subscribed to SMS`}</Text>
          {!p.exact ? (
            <Text as="p" variant="bodySm" tone="subdued">
              Approximate: a city is counted here by its usual spellings (as typed, lower case, upper case, title case);
              saving evaluates every customer exactly.
            </Text>
          ) : null}
          {p.members.length ? (
            <BlockStack gap="100">
              <Text as="h3" variant="headingSm">
                {`First ${p.members.length}`}
              </Text>
              {p.members.map((m) => (
                <Text
                  as="p"
                  key={m.id}
                >{`${m.name} · ${m.phone ?? "no phone"} · ${m.consent.toLowerCase().replace("_", " ")}`}</Text>
              ))}
            </BlockStack>
          ) : null}
        </BlockStack>
      )}
    </SectionCard>
  );
}
