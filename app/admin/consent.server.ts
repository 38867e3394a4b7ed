import { parse } from "csv-parse/sync";
import { z } from "zod";
import type { Db } from "../db.server";
import { maskPhone } from "../contacts/mask-phone";
import { CONSENT_SOURCES, CONSENT_STATES } from "./consent-options";
import { pageArgs, pageOf } from "./paginate.server";

/**
 * The Consent page's queries: the ledger (ConsentEvent, append-only) newest first with
 * filters and keyset pages, one shopper's facts in order, counts, and the CSV export.
 * Phones are masked on screen; the export carries them in full (see ledgerCsv).
 */

/** Filters from the URL; an unknown value is ignored rather than an error (links get edited by hand). */
export const LedgerFilter = z.object({
  state: z.enum(CONSENT_STATES).optional().catch(undefined),
  source: z.enum(CONSENT_SOURCES).optional().catch(undefined),
  customer: z.string().min(1).max(64).optional().catch(undefined),
});
export type LedgerFilter = z.infer<typeof LedgerFilter>;

export function ledgerFilterOf(url: URL): LedgerFilter {
  const get = (key: string) => url.searchParams.get(key) || undefined;
  return LedgerFilter.parse({ state: get("state"), source: get("source"), customer: get("customer") });
}

const LEDGER_FIELDS = {
  id: true,
  customerId: true,
  phone: true,
  state: true,
  optInLevel: true,
  source: true,
  wording: true,
  occurredAt: true,
  recordedAt: true,
  evidence: true,
} as const;

/**
 * One page of the ledger. The whole ledger reads newest first; one shopper's history reads
 * oldest first, as the story of their consent.
 */
export async function ledgerPage({
  db,
  shopId,
  filter,
  url,
}: {
  db: Db;
  shopId: string;
  filter: LedgerFilter;
  url: URL;
}) {
  const direction = filter.customer ? "asc" : "desc";
  const rows = await db.consentEvent.findMany({
    where: { shopId, state: filter.state, source: filter.source, customerId: filter.customer },
    orderBy: [{ occurredAt: direction }, { id: direction }],
    select: LEDGER_FIELDS,
    ...pageArgs(url),
  });
  const page = pageOf(rows);
  return {
    nextCursor: page.nextCursor,
    rows: page.rows.map((e) => ({ ...e, phone: maskPhone(e.phone), evidence: evidenceSummary(e.evidence) })),
  };
}

/**
 * The evidence as one short line, phone numbers in it masked like the phone column (an
 * import row or a form post holds the number as typed). The full JSON is in the export.
 */
function evidenceSummary(evidence: unknown): string | null {
  if (evidence == null) return null;
  const text = JSON.stringify(evidence, (_key, value: unknown) =>
    typeof value === "string" && PHONE_LIKE.test(value) ? maskPhone(value) : value,
  );
  return text.length > 160 ? `${text.slice(0, 157)}…` : text;
}
const PHONE_LIKE = /^\+?[\d\s().-]{7,}$/;

/** The shopper whose history is shown, with their current consent as derived from the ledger; null when not this shop's. */
export async function consentSubject(db: Db, shopId: string, customerId: string) {
  const customer = await db.customer.findFirst({
    where: { id: customerId, shopId },
    select: {
      id: true,
      firstName: true,
      lastName: true,
      email: true,
      phone: true,
      smsConsent: true,
      smsConsentAt: true,
      redactedAt: true,
    },
  });
  if (!customer) return null;
  const name = [customer.firstName, customer.lastName].filter(Boolean).join(" ") || customer.email || "Contact";
  return {
    id: customer.id,
    name: customer.redactedAt ? "Redacted customer" : name,
    phone: maskPhone(customer.phone),
    smsConsent: customer.smsConsent,
    smsConsentAt: customer.smsConsentAt,
  };
}

/** Current consent over the shop's customers, and opt-ins / opt-outs recorded by source. */
export async function consentCounts(db: Db, shopId: string) {
  const [current, bySource] = await Promise.all([
    db.customer.groupBy({ by: ["smsConsent"], where: { shopId, deletedAt: null }, _count: { _all: true } }),
    db.consentEvent.groupBy({
      by: ["source", "state"],
      where: { shopId, state: { in: ["SUBSCRIBED", "UNSUBSCRIBED"] } },
      _count: { _all: true },
    }),
  ]);
  const subscribed = current.find((c) => c.smsConsent === "SUBSCRIBED")?._count._all ?? 0;
  const sources = CONSENT_SOURCES.map((source) => {
    const n = (state: string) => bySource.find((g) => g.source === source && g.state === state)?._count._all ?? 0;
    return { source, optIns: n("SUBSCRIBED"), optOuts: n("UNSUBSCRIBED") };
  }).filter((s) => s.optIns || s.optOuts);
  return { subscribed, unsubscribed: current.find((c) => c.smsConsent === "UNSUBSCRIBED")?._count._all ?? 0, sources };
}

// ---------------------------------------------------------------- export

export const EXPORT_COLUMNS = [
  "event_id",
  "occurred_at",
  "recorded_at",
  "customer_id",
  "phone",
  "state",
  "opt_in_level",
  "source",
  "wording",
  "evidence",
] as const;

/**
 * The whole ledger as CSV (the header, then one chunk per batch), read in keyset batches
 * (oldest first) so memory stays flat at any size. Phones are full E.164 here, unlike on
 * screen: the export is the merchant's own record and their proof of consent to a carrier
 * or regulator, which a masked number could not be.
 */
export async function* ledgerCsv(db: Db, shopId: string, batchSize = 1000): AsyncGenerator<string> {
  yield csvLine([...EXPORT_COLUMNS]);
  let cursor: string | null = null;
  for (;;) {
    const rows = await batch({ db, shopId, size: batchSize, after: cursor });
    if (rows.length) {
      yield rows
        .map((e) =>
          csvLine([
            e.id,
            e.occurredAt.toISOString(),
            e.recordedAt.toISOString(),
            e.customerId,
            e.phone,
            e.state,
            e.optInLevel,
            e.source,
            e.wording,
            e.evidence == null ? null : JSON.stringify(e.evidence),
          ]),
        )
        .join("");
    }
    if (rows.length < batchSize) return;
    cursor = rows[rows.length - 1]!.id;
  }
}

const batch = ({ db, shopId, size, after }: { db: Db; shopId: string; size: number; after: string | null }) =>
  db.consentEvent.findMany({
    where: { shopId },
    orderBy: [{ occurredAt: "asc" }, { id: "asc" }],
    select: LEDGER_FIELDS,
    take: size,
    ...(after ? { cursor: { id: after }, skip: 1 } : {}),
  });

export function csvLine(cells: (string | null | undefined)[]): string {
  return `${cells.map(csvCell).join(",")}\r\n`;
}

/**
 * One cell, safe to open in a spreadsheet (OWASP "CSV injection"): a value starting with
 * = + - @, a tab or a carriage return would be run as a formula (`-2+3+cmd|' /C calc'!A0`),
 * so it gets a leading apostrophe, which spreadsheets read as "this is text". That includes
 * E.164 numbers ("'+14155550123"): kept as text, never turned into 1.41556E+10. Then the
 * usual quoting for commas, quotes and line breaks.
 */
export function csvCell(value: string | null | undefined): string {
  if (value == null) return "";
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

// ---------------------------------------------------------------- import form

export const MAX_IMPORT_BYTES = 5_000_000;

/** The columns of an uploaded file, and a first guess at which is which. */
export function csvColumns(csv: string): { headers: string[]; guess: Record<string, string> } {
  const [first] = parse(csv, { to_line: 1, bom: true, trim: true, relax_column_count: true }) as string[][];
  const headers = (first ?? []).filter(Boolean);
  const find = (pattern: RegExp) => headers.find((h) => pattern.test(h)) ?? "";
  const consentAt = find(/(date|time|when|_at\b)/i);
  return {
    headers,
    guess: {
      phone: find(/phone|mobile|cell|msisdn|number/i),
      consent: headers.find((h) => /consent|opt|subscrib|agree/i.test(h) && h !== consentAt) ?? "",
      consentAt,
      firstName: find(/first/i),
      lastName: find(/last|surname/i),
      email: find(/e-?mail/i),
      wordingColumn: find(/wording|disclosure/i),
    },
  };
}

const optionalColumn = z
  .string()
  .trim()
  .max(200)
  .optional()
  .transform((v) => v || undefined);

/** The import form: the file's text, the column mapping and the consent wording. */
export const ImportForm = z.object({
  csv: z
    .string()
    .min(1, "Choose a CSV file or paste its contents")
    .max(MAX_IMPORT_BYTES, "The file is larger than 5 MB: split it"),
  fileName: z.string().max(200).optional(),
  phone: z.string().trim().min(1, "Choose the column with phone numbers"),
  consent: z.string().trim().min(1, "Choose the column that says whether the contact consented"),
  consentAt: z.string().trim().min(1, "Choose the column with the date consent was given"),
  firstName: optionalColumn,
  lastName: optionalColumn,
  email: optionalColumn,
  wordingColumn: optionalColumn,
  wording: z
    .string()
    .trim()
    .max(1000)
    .optional()
    .transform((v) => v || undefined),
  defaultCountry: z
    .string()
    .trim()
    .toUpperCase()
    .optional()
    .transform((v) => v || undefined)
    .pipe(
      z
        .string()
        .regex(/^[A-Z]{2}$/, "A two-letter country code, e.g. US")
        .optional(),
    ),
});
export type ImportForm = z.infer<typeof ImportForm>;

/** The form as importContacts' options. */
export function importOptions(form: ImportForm, dryRun: boolean) {
  const { phone, consent, consentAt, firstName, lastName, email, wordingColumn } = form;
  return {
    mapping: { phone, consent, consentAt, firstName, lastName, email, wordingColumn },
    wording: form.wording,
    defaultCountry: form.defaultCountry,
    fileName: form.fileName,
    dryRun,
  };
}
