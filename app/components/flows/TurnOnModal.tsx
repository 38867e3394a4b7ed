import { BlockStack, List, Modal, Text } from "@shopify/polaris";
import type { FlowListItem } from "../../admin/flows.server";
import { formatCount } from "../../admin/format";

/** Turning a flow on starts texting shoppers: say exactly what will happen first. */
export function TurnOnModal({
  flow,
  onClose,
  onConfirm,
}: {
  flow: FlowListItem;
  onClose: () => void;
  onConfirm: () => void;
}) {
  return (
    <Modal
      open
      onClose={onClose}
      title={`Turn on “${flow.name}”?`}
      primaryAction={{ content: "Turn on", onAction: onConfirm }}
      secondaryActions={[{ content: "Cancel", onAction: onClose }]}
    >
      <Modal.Section>
        <BlockStack gap="300">
          <Text as="p">
            <strong>When:</strong> {flow.trigger}.
          </Text>
          <List type="number">
            {flow.steps.map((step, i) => (
              <List.Item key={i}>{step}</List.Item>
            ))}
          </List>
          <Text as="p">{flow.exits}</Text>
          {flow.segmentMembers != null && (
            <Text as="p" tone="subdued">
              {formatCount(flow.segmentMembers)} shoppers are in that segment now. Only shoppers who enter it from now
              on get texts.
            </Text>
          )}
          <Text as="p" tone="subdued">
            Texts go only to shoppers with recorded SMS consent, outside quiet hours and within your frequency cap; the
            first text to a shopper carries your sender name and opt-out instructions.
          </Text>
        </BlockStack>
      </Modal.Section>
    </Modal>
  );
}
