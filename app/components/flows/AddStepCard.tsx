import { Button, Card, InlineStack } from "@shopify/polaris";
import { NEW_STEPS, type StepForm } from "./editor-state";

const STEP_BUTTONS: { type: StepForm["type"]; label: string }[] = [
  { type: "send", label: "Add text" },
  { type: "wait", label: "Add delay" },
  { type: "wait_until", label: "Add wait until time" },
  { type: "condition", label: "Add condition" },
];

/** One button per step type; a flow has at most 20 steps. */
export function AddStepCard({ count, onAdd }: { count: number; onAdd: (step: StepForm) => void }) {
  return (
    <Card>
      <InlineStack gap="200">
        {STEP_BUTTONS.map((b) => (
          <Button key={b.type} disabled={count >= 20} onClick={() => onAdd(NEW_STEPS[b.type]())}>
            {b.label}
          </Button>
        ))}
      </InlineStack>
    </Card>
  );
}
