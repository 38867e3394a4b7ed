import { Modal } from "@shopify/polaris";

/** Archiving stops a segment for good: say what it does to flows and campaigns first. */
export function ArchiveSegmentModal({
  name,
  open,
  onClose,
  onArchive,
}: {
  name: string;
  open: boolean;
  onClose: () => void;
  onArchive: () => void;
}) {
  return (
    <Modal
      open={open}
      onClose={onClose}
      title={`Archive ${name}?`}
      primaryAction={{ content: "Archive", destructive: true, onAction: onArchive }}
      secondaryActions={[{ content: "Cancel", onAction: onClose }]}
    >
      <Modal.Section>
        <p>
          The segment stops updating and its members are removed. Flows and campaigns using it will no longer find
          anyone.
        </p>
      </Modal.Section>
    </Modal>
  );
}
