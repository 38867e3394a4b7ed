import { BarChart } from "@shopify/polaris-viz";
import type { CampaignDetail } from "./campaign-page";
import { SectionCard } from "../SectionCard";
import { useHydrated } from "../useHydrated";

/** Sends and clicks per hour (per day for longer campaigns). Charts draw in the browser only (they measure the page). */
export function ActivityChart({ activity }: { activity: NonNullable<CampaignDetail["activity"]> }) {
  const hydrated = useHydrated();
  const label = (key: string) => (activity.bucket === "hour" ? key.slice(5, 16).replace("T", " ") : key.slice(0, 10));
  return (
    <SectionCard title={`Sends and clicks per ${activity.bucket} (UTC)`}>
      <div style={{ height: 240 }}>
        {hydrated ? (
          <BarChart
            data={[
              { name: "Sends", data: activity.sends.map((p) => ({ key: label(p.key), value: p.value })) },
              { name: "Clicks", data: activity.clicks.map((p) => ({ key: label(p.key), value: p.value })) },
            ]}
          />
        ) : null}
      </div>
    </SectionCard>
  );
}
