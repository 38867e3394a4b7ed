import { parse } from "csv-parse/sync";
import { z } from "zod";
import type { Db } from "../db.server";
import { normalisePhone } from "../contacts/phone";
import { findOrCreateContact } from "../contacts/local-contacts.server";
import { afterConsentChange } from "./after-change.server";
import { recordConsent } from "./ledger.server";

/** How the merchant's columns map onto what the import needs (admin form or API). */
export const ImportMapping = z.object({
  phone: z.string().min(1),
  consent: z.string().min(1, "map the column that says whether the contact consented"),
  consentAt: z.string().min(1, "map the column with the date consent was given"),
  firstName: z.string().optional(),
  lastName: z.string().optional(),
  email: z.string().optional(),
  /** Column holding the wording each contact saw; otherwise `wording` applies to all rows. */
  wordingColumn: z.string().optional(),
});
export const ImportOptions = z.object({
  mapping: ImportMapping,
  /** Country for numbers written without +country code. */
  defaultCountry: z.string().length(2).optional(),
  wording: z.string().trim().min(10, "the consent wording the contacts agreed to is required").optional(),
  /** Only report; write nothing. */
  dryRun: z.boolean().default(false),
  fileName: z.string().max(200).optional(),
});
export type ImportOptions = z.input<typeof ImportOptions>;

export interface ImportReport {
  rows: number;
  imported: number;
  invalidPhone: { row: number; reason: string }[];
  noConsent: { row: number; reason: string }[];
  duplicates: { row: number; firstRow: number }[];
  dryRun: boolean;
}

const YES = new Set(["yes", "y", "true", "1", "subscribed", "opted in", "opt-in", "x"]);

/**
 * Imports contacts with their consent evidence. Every row is checked first; rows with an
 * invalid number, no consent (or no date or wording for it) and repeats of a number are
 * reported by row and skipped. The rest are written in one transaction: if anything fails
 * while writing, nothing is imported. Each contact's consent lands in the ledger with
 * source IMPORT, the wording, and the row's consent columns as evidence. Phone numbers never appear in the
 * report (row numbers do), since reports are shown and logged.
 */
export async function importContacts(o: {
  db: Db;
  shopId: string;
  csv: string;
  options: ImportOptions;
  now: Date;
}): Promise<ImportReport> {
  const { db, shopId, csv, now } = o;
  const options = ImportOptions.parse(o.options);
  const m = options.mapping;
  const records = parse(csv, { columns: true, skip_empty_lines: true, trim: true, bom: true }) as Record<
    string,
    string
  >[];
  const headers = records[0] ? Object.keys(records[0]) : [];
  const missing = [m.phone, m.consent, m.consentAt, m.firstName, m.lastName, m.email, m.wordingColumn].filter(
    (c): c is string => !!c && !headers.includes(c),
  );
  if (records.length && missing.length) throw new ImportError(`columns not in the file: ${missing.join(", ")}`);
  if (!m.wordingColumn && !options.wording)
    throw new ImportError("give the consent wording, or map a column that holds it");

  const report: ImportReport = {
    rows: records.length,
    imported: 0,
    invalidPhone: [],
    noConsent: [],
    duplicates: [],
    dryRun: options.dryRun,
  };
  const seen = new Map<string, number>();
  const valid: {
    row: number;
    phone: string;
    country: string | null;
    consentAt: Date;
    wording: string;
    record: Record<string, string>;
  }[] = [];
  records.forEach((record, i) => {
    const row = i + 2; // the header is row 1, as a spreadsheet shows it
    const phone = normalisePhone(record[m.phone], options.defaultCountry);
    if (!phone.ok) return void report.invalidPhone.push({ row, reason: phone.reason });
    if (!YES.has((record[m.consent] ?? "").toLowerCase()))
      return void report.noConsent.push({ row, reason: "no consent" });
    const consentAt = new Date(record[m.consentAt] ?? "");
    if (Number.isNaN(consentAt.getTime()) || consentAt > now)
      return void report.noConsent.push({ row, reason: "no valid consent date" });
    const wording = (m.wordingColumn ? record[m.wordingColumn] : options.wording)?.trim();
    if (!wording) return void report.noConsent.push({ row, reason: "no consent wording" });
    const first = seen.get(phone.e164);
    if (first) return void report.duplicates.push({ row, firstRow: first });
    seen.set(phone.e164, row);
    valid.push({ row, phone: phone.e164, country: phone.country ?? null, consentAt, wording, record });
  });
  if (options.dryRun || valid.length === 0) return report;

  const touched: { customerId: string; phone: string; at: Date }[] = [];
  await db.$transaction(async (tx) => {
    // recordConsent and the lookups only use model methods, which the transaction client has.
    const t = tx as unknown as Db;
    for (const v of valid) {
      const names = {
        firstName: m.firstName ? v.record[m.firstName] || null : null,
        lastName: m.lastName ? v.record[m.lastName] || null : null,
        email: m.email ? v.record[m.email] || null : null,
      };
      const customer = await findOrCreateContact({
        db: t,
        shopId,
        phone: { e164: v.phone, country: v.country },
        names,
      });
      await recordConsent(t, {
        shopId,
        customerId: customer.id,
        phone: v.phone,
        state: "SUBSCRIBED",
        optInLevel: "single_opt_in",
        source: "IMPORT",
        wording: v.wording,
        occurredAt: v.consentAt,
        evidence: {
          file: options.fileName ?? null,
          row: v.row,
          importedAt: now.toISOString(),
          record: consentColumns(v.record, m),
        },
      });
      touched.push({ customerId: customer.id, phone: v.phone, at: v.consentAt });
    }
  });
  report.imported = valid.length;
  // Old consent: no confirmation text, no write-back; never lifts a suppression (no `lift`).
  for (const t of touched)
    await afterConsentChange(
      { db },
      {
        shopId,
        phone: t.phone,
        customerIds: [t.customerId],
        change: "opt_in",
        writeBack: false,
        origin: "history",
        at: t.at,
        evaluatedAt: now,
        ref: "import",
      },
    );
  return report;
}

export class ImportError extends Error {}

/**
 * The row's evidence of consent as the file wrote it: the number, the consent and date columns and
 * the wording column. Names, e-mail and unmapped columns (addresses, notes) are not consent evidence
 * and are not kept in the ledger (minimisation: the ledger outlives the contact's other data).
 */
function consentColumns(record: Record<string, string>, m: z.infer<typeof ImportMapping>): Record<string, string> {
  const kept = [m.phone, m.consent, m.consentAt, m.wordingColumn].filter((c): c is string => !!c);
  return Object.fromEntries(kept.filter((c) => c in record).map((c) => [c, record[c]!]));
}
