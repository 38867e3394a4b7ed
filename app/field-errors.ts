import type { z } from "zod";

/** Field → first message, as the pages show them under each field. */
export type FieldErrors = Record<string, string>;

/** A zod error as per-field messages; issues without a path land on `form`. */
export function fieldErrors(error: z.ZodError): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of error.issues) {
    const key = issue.path.length ? String(issue.path[0]) : "form";
    errors[key] ??= issue.message;
  }
  return errors;
}

/** The form's fields as strings (files and repeated keys are the caller's business). */
export function formFields(form: FormData): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const [key, value] of form.entries()) if (typeof value === "string") fields[key] = value;
  return fields;
}
