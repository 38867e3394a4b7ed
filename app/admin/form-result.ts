import { data } from "@remix-run/node";
import type { FieldErrors } from "../field-errors";

/**
 * The one way an admin action answers a form:
 * - something the merchant can fix: `invalid(errors, state)`, a 400 whose `errors` the page shows under each field
 *   (`form` for the form as a whole; `FieldErrors` unless the page keys nested parts itself), with whatever the page needs to redraw itself (the step, the values);
 *   409 instead when the row changed under the merchant (saved elsewhere since the page was opened);
 * - a request the page never sends (an unknown intent): `badRequest(...)`, thrown; a row of another shop or one
 *   that is gone: `notFound(...)` (admin/auth.server), thrown;
 * - success: a plain object (what the page shows next) or a redirect.
 */
export function invalid<Errors extends object = FieldErrors, State extends object = object>(
  errors: Errors,
  state?: State,
  status: 400 | 409 = 400,
) {
  return data({ ...(state as State), errors }, { status });
}

/** A request no page of the app sends: refused without a page to redraw. */
export function badRequest(what: string): never {
  throw new Response(what, { status: 400 });
}
