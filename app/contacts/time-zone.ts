// Infers a shopper's IANA time zone from their address, for quiet hours. Multi-zone
// countries are resolved by province/state where Shopify gives one; otherwise the country's
// most populous zone. Unknown → null (callers fall back to the shop's time zone).

const COUNTRY_ZONE: Record<string, string> = {
  GB: "Europe/London",
  IE: "Europe/Dublin",
  FR: "Europe/Paris",
  DE: "Europe/Berlin",
  ES: "Europe/Madrid",
  PT: "Europe/Lisbon",
  IT: "Europe/Rome",
  NL: "Europe/Amsterdam",
  BE: "Europe/Brussels",
  CH: "Europe/Zurich",
  AT: "Europe/Vienna",
  SE: "Europe/Stockholm",
  NO: "Europe/Oslo",
  DK: "Europe/Copenhagen",
  FI: "Europe/Helsinki",
  PL: "Europe/Warsaw",
  CZ: "Europe/Prague",
  GR: "Europe/Athens",
  RO: "Europe/Bucharest",
  HU: "Europe/Budapest",
  UA: "Europe/Kyiv",
  TR: "Europe/Istanbul",
  IL: "Asia/Jerusalem",
  AE: "Asia/Dubai",
  SA: "Asia/Riyadh",
  IN: "Asia/Kolkata",
  PK: "Asia/Karachi",
  BD: "Asia/Dhaka",
  SG: "Asia/Singapore",
  MY: "Asia/Kuala_Lumpur",
  TH: "Asia/Bangkok",
  VN: "Asia/Ho_Chi_Minh",
  PH: "Asia/Manila",
  ID: "Asia/Jakarta",
  CN: "Asia/Shanghai",
  HK: "Asia/Hong_Kong",
  TW: "Asia/Taipei",
  JP: "Asia/Tokyo",
  KR: "Asia/Seoul",
  NZ: "Pacific/Auckland",
  ZA: "Africa/Johannesburg",
  NG: "Africa/Lagos",
  KE: "Africa/Nairobi",
  EG: "Africa/Cairo",
  MA: "Africa/Casablanca",
  AR: "America/Argentina/Buenos_Aires",
  CL: "America/Santiago",
  CO: "America/Bogota",
  PE: "America/Lima",
  US: "America/New_York",
  CA: "America/Toronto",
  AU: "Australia/Sydney",
  BR: "America/Sao_Paulo",
  MX: "America/Mexico_City",
  RU: "Europe/Moscow",
};

const PROVINCE_ZONE: Record<string, Record<string, string>> = {
  US: {
    ...zones("America/New_York", "CT DE DC FL GA IN KY ME MD MA MI NH NJ NY NC OH PA RI SC VT VA WV"),
    ...zones("America/Chicago", "AL AR IL IA KS LA MN MS MO NE ND OK SD TN TX WI"),
    ...zones("America/Denver", "CO MT NM UT WY ID"),
    AZ: "America/Phoenix",
    ...zones("America/Los_Angeles", "CA NV OR WA"),
    AK: "America/Anchorage",
    HI: "Pacific/Honolulu",
    PR: "America/Puerto_Rico",
  },
  CA: {
    ...zones("America/Toronto", "ON QC"),
    ...zones("America/Halifax", "NS NB PE"),
    NL: "America/St_Johns",
    ...zones("America/Winnipeg", "MB"),
    SK: "America/Regina",
    ...zones("America/Edmonton", "AB NT"),
    ...zones("America/Vancouver", "BC YT"),
    NU: "America/Iqaluit",
  },
  AU: {
    ...zones("Australia/Sydney", "NSW ACT"),
    VIC: "Australia/Melbourne",
    QLD: "Australia/Brisbane",
    SA: "Australia/Adelaide",
    WA: "Australia/Perth",
    TAS: "Australia/Hobart",
    NT: "Australia/Darwin",
  },
  MX: { BC: "America/Tijuana", SON: "America/Hermosillo", CHIH: "America/Chihuahua", QROO: "America/Cancun" },
  BR: { AM: "America/Manaus", AC: "America/Rio_Branco", MT: "America/Cuiaba", MS: "America/Campo_Grande" },
};

function zones(zone: string, codes: string): Record<string, string> {
  return Object.fromEntries(codes.split(" ").map((c) => [c, zone]));
}

export function inferTimeZone(countryCode?: string | null, provinceCode?: string | null): string | null {
  if (!countryCode) return null;
  const country = countryCode.toUpperCase();
  const province = provinceCode?.toUpperCase().replace(/^[A-Z]{2}-/, "");
  return (province && PROVINCE_ZONE[country]?.[province]) || COUNTRY_ZONE[country] || null;
}
