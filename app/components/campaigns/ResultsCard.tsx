import type { CampaignDetail } from "./campaign-page";
import { formatCount, formatMoney, formatPercent } from "../../admin/format";
import { SectionCard } from "../SectionCard";
import { StatGrid } from "../Stat";

/** Delivery, clicks, opt-outs, orders and revenue (by click and by send) and cost; rates only once texts went out. */
export function ResultsCard({ results, currency }: { results: CampaignDetail["results"]; currency: string }) {
  const outcome: [string, string][] = [
    ["Delivery rate", formatPercent(results.sent ? results.deliveryRate : null)],
    ["Clicks", `${formatCount(results.clicks)} (${formatPercent(results.sent ? results.clickThroughRate : null)} CTR)`],
    ["Opt-outs", `${formatCount(results.optOuts)} (${formatPercent(results.sent ? results.optOutRate : null)})`],
    ["Orders (click / send)", `${formatCount(results.conversions.click)} / ${formatCount(results.conversions.send)}`],
    [
      "Revenue (click / send)",
      `${formatMoney(results.revenue.click, currency)} / ${formatMoney(results.revenue.send, currency)}`,
    ],
    ["Cost", formatMoney(results.cost, "USD")],
  ];
  return (
    <SectionCard title="Results">
      <StatGrid items={outcome} columns={3} />
    </SectionCard>
  );
}
