import type * as reports from "./reports.server";
import { table } from "./table";
import type { listDataExports } from "../privacy/gdpr.server";

// The operator reports as terminal text; `--json` prints the same reports as they are.

type Report<F extends (...args: never[]) => Promise<unknown>> = Awaited<ReturnType<F>>;

const counts = (byStatus: Record<string, number>) =>
  Object.entries(byStatus)
    .map(([k, v]) => `${k} ${v}`)
    .join(", ");

const orNone = (rows: unknown[], text: () => string) => (rows.length ? text() : "  (none)");

export function segmentsText(report: Report<typeof reports.segmentReport>): string {
  return table(
    ["key", "name", "kind", "members", "backfill"],
    report.map((s) => [
      s.key,
      s.name,
      s.kind,
      String(s.members),
      s.backfill ? (s.backfill.done ? "done" : `${s.backfill.evaluated}/${s.backfill.total}`) : "",
    ]),
  );
}

export function membersText(report: Report<typeof reports.memberReport>): string {
  return [
    `${report.segment.name} (${report.segment.key}): ${report.segment.members} members, ${report.shown} shown (by customer id)`,
    table(
      ["customer", "phone", "consent", "country", "since"],
      report.members.map((m) => [m.customer, m.phone ?? "", m.consent, m.country ?? "", m.since]),
    ),
  ].join("\n");
}

export function explainText(report: Report<typeof reports.explainCustomer>): string {
  const c = report.customer;
  const state = c.redacted ? "  (redacted)" : c.deleted ? "  (deleted)" : "";
  return [
    `customer ${c.id}  phone ${c.phone ?? "-"}  consent ${c.consent}  orders ${c.ordersCount}  last order ${c.lastOrderAt ?? "-"}  time zone ${c.timeZone ?? "-"}${state}`,
    "",
    "segments now:",
    orNone(report.segments, () =>
      table(
        ["segment", "since", "because"],
        report.segments.map((s) => [s.key, s.since, s.because]),
      ),
    ),
    "",
    "history:",
    orNone(report.history, () =>
      table(
        ["at", "segment", "change", "because"],
        report.history.map((h) => [h.at, h.segment, h.change, h.because]),
      ),
    ),
  ].join("\n");
}

export function dataExportsText(report: Report<typeof listDataExports>): string {
  return orNone(report, () =>
    table(
      ["id", "created", "request", "customer"],
      report.map((e) => [e.id, e.createdAt, e.requestRef ?? "", e.customerShopifyId ?? ""]),
    ),
  );
}

export function inboxText(report: Report<typeof reports.inboxReport>): string {
  const rows = (list: typeof report.recent) =>
    table(
      ["received", "topic", "status", "attempts", "webhook id", "error"],
      list.map((w) => [w.receivedAt, w.topic, w.status, String(w.attempts), w.webhookId, w.error ?? ""]),
    );
  return [
    `counts: ${counts(report.counts) || "none"}`,
    "",
    "needing attention:",
    orNone(report.problems, () => rows(report.problems)),
    "",
    "recent:",
    orNone(report.recent, () => rows(report.recent)),
  ].join("\n");
}

export function outboxText(report: Report<typeof reports.outboxReport>, bodies: boolean): string {
  return [
    `counts: ${counts(report.counts) || "none"}`,
    "",
    table(
      ["created", "dir", "status", "to", "source", "segs", "held / error", ...(bodies ? ["body"] : [])],
      report.messages.map((m) => [
        m.createdAt,
        m.direction === "INBOUND" ? "in" : "out",
        m.status,
        m.to ?? "",
        m.source,
        String(m.segments),
        m.error ?? (m.status === "HELD" ? (m.lastGate ?? "") : ""),
        ...(bodies ? [m.body ?? ""] : []),
      ]),
    ),
  ].join("\n");
}

export function flowsText(report: Report<typeof reports.flowReport>): string {
  return table(
    ["flow", "on", "running", "waiting", "completed", "exited", "sent", "exit reasons"],
    report.map((f) => [
      f.key,
      f.enabled ? "yes" : "no",
      String(f.running),
      String(f.waiting),
      String(f.completed),
      String(f.exited),
      String(f.sent),
      counts(f.exitReasons),
    ]),
  );
}
