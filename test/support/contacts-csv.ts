/**
 * A merchant's subscriber list as a spreadsheet exports it: good rows, a bad number, a
 * "no", a row without a date, a repeat of row 2 in another format and a number the shop
 * already knows (+14155550164). Shared by the import's domain, page and browser tests.
 */
export const WORDING =
  "Join Northbean texts: offers and restocks, up to 4 msgs/month. Msg & data rates may apply. Reply STOP to opt out.";
export const CONTACTS_CSV = `Phone,First name,Opted in,Opt-in date
(415) 555-0161,Ava,yes,2026-05-01T10:00:00Z
+447400123987,Omar,Yes,2026-05-02
555-0000,Bad,yes,2026-05-03
+14155550162,Mei,no,2026-05-03
+14155550163,Finn,yes,
415-555-0161,Ava again,yes,2026-05-04
+14155550164,Known,yes,2026-05-05
`;
export const CONTACTS_MAPPING = {
  phone: "Phone",
  firstName: "First name",
  consent: "Opted in",
  consentAt: "Opt-in date",
};
