import { useRef, useState } from "react";
import { useSubmit } from "@remix-run/react";
import type { ImportReport } from "../../consent/import.server";
import type { FieldErrors } from "../../field-errors";

/** Where the import is: choosing a file, mapping its columns, reading the dry run, done. */
export type Step = "upload" | "map" | "report" | "done";

/** What the import action answers at each step; the file's text travels with it between steps. */
export interface ImportState {
  step: Step;
  csv?: string;
  fileName?: string;
  headers?: string[];
  values?: Record<string, string>;
  report?: ImportReport;
  errors?: FieldErrors;
}

/**
 * The one multipart form of the import page: `send(intent)` posts it (file, pasted text or the
 * carried CSV, and the mapping). A field's value is what the merchant changed since the last
 * answer, else the answer's value, else `fallback`.
 */
export function useImportForm(result: ImportState | undefined) {
  const submit = useSubmit();
  const formRef = useRef<HTMLFormElement>(null);
  const send = (intent: string) => {
    const form = new FormData(formRef.current!);
    form.set("intent", intent);
    submit(form, { method: "post", encType: "multipart/form-data" });
  };
  const [pasted, setPasted] = useState("");
  const [values, setValues] = useState<Record<string, string>>({});
  // Values from the last answer, overridden by what the merchant changed since.
  const value = (key: string, fallback = "") => values[key] ?? result?.values?.[key] ?? fallback;
  const set = (key: string) => (v: string) => setValues((current) => ({ ...current, [key]: v }));
  return { formRef, send, pasted, setPasted, value, set };
}

export type ImportForm = ReturnType<typeof useImportForm>;
