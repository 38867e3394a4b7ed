import { BarChart } from "@shopify/polaris-viz";
import { useHydrated } from "../useHydrated";

/** Entries and exits per day. Polaris Viz measures the DOM, so the chart is drawn after hydration only. */
export function HistoryChart({ history }: { history: { day: string; entered: number; left: number }[] }) {
  const hydrated = useHydrated();
  if (!hydrated) return <div style={{ height: 240 }} />;
  const series = (name: string, key: "entered" | "left") => ({
    name,
    data: history.map((h) => ({ key: h.day.slice(5), value: h[key] })),
  });
  return (
    <div style={{ height: 240 }}>
      <BarChart data={[series("Entered", "entered"), series("Left", "left")]} theme="Light" />
    </div>
  );
}
