import { Banner, Checkbox, Text } from "@shopify/polaris";
import { ExitSchema, type Exit } from "../../flows/definition";
import { EXIT_LABELS } from "../../flows/describe";
import { SectionCard } from "../SectionCard";
import { FieldError } from "./StepEditor";

/** The exits to stop a run early; "left the segment" only for flows a segment starts. */
export function ExitConditionsCard({
  selected,
  onToggle,
  segmentTriggered,
  error,
}: {
  selected: Exit[];
  onToggle: (exit: Exit, on: boolean) => void;
  segmentTriggered: boolean;
  error: string | undefined;
}) {
  return (
    <SectionCard title="Stop early when" gap="200">
      {ExitSchema.options.map((exit) => (
        <Checkbox
          key={exit}
          label={EXIT_LABELS[exit]}
          checked={selected.includes(exit)}
          onChange={(on) => onToggle(exit, on)}
          disabled={exit === "left_segment" && !segmentTriggered}
        />
      ))}
      <FieldError message={error} />
    </SectionCard>
  );
}

/** What a save does to runs in progress, with a warning when the edit ends them. */
export function RunsInProgressCard({ activeRuns, reshaped }: { activeRuns: number; reshaped: boolean }) {
  return (
    <SectionCard title={`Runs in progress: ${activeRuns}`} gap="200">
      <Text as="p" tone="subdued">
        Changing texts, delays or weights keeps runs in progress going with the new version. Adding, removing or
        reordering steps ends them, with their scheduled texts cancelled.
      </Text>
      {reshaped && activeRuns > 0 && (
        <Banner tone="warning">
          <p>You changed the steps: saving ends the {activeRuns} run(s) in progress.</p>
        </Banner>
      )}
    </SectionCard>
  );
}
