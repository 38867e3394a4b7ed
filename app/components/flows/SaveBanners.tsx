import { Banner } from "@shopify/polaris";
import type { FieldErrors } from "../../field-errors";

export interface SavedFlow {
  version: number;
  runsContinued: number;
  runsExited: number;
}

/** Why the flow was not saved, or which version it was saved as and what happened to runs in progress. */
export function SaveBanners({ errors, saved }: { errors: FieldErrors; saved: SavedFlow | null }) {
  return (
    <>
      {Object.keys(errors).length > 0 && (
        <Banner tone="critical" title="The flow was not saved">
          <p>{errors.form ?? errors["definition.steps"] ?? "Fix the fields marked below."}</p>
        </Banner>
      )}
      {saved && (
        <Banner tone="success" title={`Saved as version ${saved.version}`} onDismiss={undefined}>
          <p>
            {saved.runsExited
              ? `${saved.runsExited} run(s) in progress ended because the steps changed.`
              : saved.runsContinued
                ? `${saved.runsContinued} run(s) in progress continue with the new version.`
                : "New runs use this version."}
          </p>
        </Banner>
      )}
    </>
  );
}
