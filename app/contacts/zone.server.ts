import tzLookup from "@photostructure/tz-lookup";
import { cityMapping } from "city-timezones";
import { getCountry } from "countries-and-timezones";
import { parsePhoneNumberFromString } from "libphonenumber-js/max";
import { geocoder, timezones } from "libphonenumber-geo-carrier";
import { readPhone } from "./read-phone";
import type { Jurisdiction } from "./jurisdiction";

/**
 * Where a shopper may be: the time zones a text must respect and the jurisdictions whose
 * rules bind it. Built from maintained data, never guessed as UTC:
 * 1. the address's coordinates (Shopify sends them on order and checkout addresses), through
 *    a time-zone boundary lookup (@photostructure/tz-lookup);
 * 2. a US address's state (the zones of the state's cities in city-timezones: Florida is
 *    Eastern and Central);
 * 3. the number (libphonenumber's own time-zone and geocoding data via
 *    libphonenumber-geo-carrier: a North American area code gives its zones and state);
 * 4. the address's country (every zone of the country, countries-and-timezones);
 * 5. the shop's zone, only when nothing above knows anything.
 * Zones are candidates: a text must fit the window in every one. Jurisdictions come from the
 * address and the number together (a Florida area code binds Florida's rules even with a
 * Texas address: the stricter wins).
 */
export interface Whereabouts {
  phone: string | null;
  countryCode?: string | null;
  provinceCode?: string | null;
  latitude?: number | null;
  longitude?: number | null;
}

export type ZoneSource = "coordinates" | "address" | "number" | "country" | "shop";

export interface Placement {
  zones: string[];
  zoneSource: ZoneSource;
  jurisdictions: Jurisdiction[];
}

export async function placeRecipient(w: Whereabouts, shopTimeZone: string): Promise<Placement> {
  const country = w.countryCode?.toUpperCase() || null;
  const state = country && w.provinceCode ? w.provinceCode.toUpperCase().replace(/^[A-Z]{2}-/, "") : null;
  const number = w.phone ? await numberFacts(w.phone) : null;
  const jurisdictions: Jurisdiction[] = [
    ...(country ? [{ country, state }] : []),
    ...(number?.country ? [{ country: number.country, state: number.state }] : []),
  ];

  const atPoint = coordinatesZone(w.latitude, w.longitude);
  if (atPoint) return { zones: [atPoint], zoneSource: "coordinates", jurisdictions };
  const stateZones = country === "US" && state ? usStateZones(state) : [];
  if (stateZones.length) return { zones: stateZones, zoneSource: "address", jurisdictions };
  if (number?.zones.length && (!country || country === number.country))
    return { zones: number.zones, zoneSource: "number", jurisdictions };
  const countryZones = country ? (getCountry(country)?.timezones ?? []) : [];
  if (countryZones.length) return { zones: [...countryZones], zoneSource: "country", jurisdictions };
  if (number?.zones.length) return { zones: number.zones, zoneSource: "number", jurisdictions };
  return { zones: [shopTimeZone], zoneSource: "shop", jurisdictions };
}

/** The one zone to show or to schedule "at 10:00 local" by: the first candidate. */
export async function bestTimeZone(w: Whereabouts): Promise<string | null> {
  // placeRecipient's first two sources need no number lookup (the costly part when a sync
  // places 100k customers): answered here the same way, before it.
  const atPoint = coordinatesZone(w.latitude, w.longitude);
  if (atPoint) return atPoint;
  const country = w.countryCode?.toUpperCase() || null;
  const state = country && w.provinceCode ? w.provinceCode.toUpperCase().replace(/^[A-Z]{2}-/, "") : null;
  const stateZones = country === "US" && state ? usStateZones(state) : [];
  if (stateZones.length) return stateZones[0]!;
  const p = await placeRecipient(w, "");
  return p.zones[0] || null;
}

/** The zone a point lies in; null without a usable point. */
export function coordinatesZone(lat: number | null | undefined, lng: number | null | undefined): string | null {
  if (lat == null || lng == null || !Number.isFinite(lat) || !Number.isFinite(lng)) return null;
  try {
    return tzLookup(lat, lng);
  } catch {
    return null; // out of range: the next source decides
  }
}

let stateIndex: Map<string, { name: string; zones: Set<string> }> | null = null;
/** US states from city-timezones' city list: code → name and the zones its cities lie in. */
function usStates() {
  if (!stateIndex) {
    stateIndex = new Map();
    for (const c of cityMapping) {
      if (c.iso2 !== "US" || !c.state_ansi) continue;
      const entry = stateIndex.get(c.state_ansi) ?? { name: c.province, zones: new Set<string>() };
      entry.zones.add(c.timezone);
      stateIndex.set(c.state_ansi, entry);
    }
  }
  return stateIndex;
}

const usStateZones = (code: string) => [...(usStates().get(code)?.zones ?? [])].sort();

/** "Florida" or "San Francisco, CA" (libphonenumber's geocoding) → "FL" / "CA". */
function stateFromGeocode(geocode: string | null): string | null {
  if (!geocode) return null;
  const suffix = geocode.match(/, ([A-Z]{2})$/)?.[1];
  if (suffix && usStates().has(suffix)) return suffix;
  for (const [code, s] of usStates()) if (s.name === geocode) return code;
  return null;
}

interface NumberFacts {
  country: string | null;
  state: string | null;
  zones: string[];
}

// libphonenumber-geo-carrier reads its data file on every call; its answers depend on the
// calling code and the leading digits (a North American area code + exchange), so they are
// kept per prefix, in a bounded map.
const numberCache = new Map<string, Promise<NumberFacts>>();
const CACHE_LIMIT = 50_000;

async function numberFacts(e164: string): Promise<NumberFacts | null> {
  // The key from the cheap reading (the library's own answers, issue 19); the library's
  // PhoneNumber, which libphonenumber-geo-carrier takes, only when the prefix is new.
  const read = readPhone(e164);
  if (!read) return null;
  const key = `${read.callingCode}:${read.nationalNumber.slice(0, 6)}:${read.country ?? ""}`;
  let facts = numberCache.get(key);
  if (!facts) {
    if (numberCache.size >= CACHE_LIMIT) numberCache.clear();
    const parsed = parsePhoneNumberFromString(e164)!;
    facts = (async () => {
      const [zones, geocode] = await Promise.all([timezones(parsed), geocoder(parsed)]);
      const country = parsed.country ?? null;
      const known = (zones ?? []).filter((z) => z !== "Etc/Unknown");
      // A +44 number maps to Guernsey, the Isle of Man and London alike: keep the number's own country's zones.
      const own = new Set<string>(country ? (getCountry(country)?.timezones ?? []) : []);
      const inCountry = known.filter((z) => own.has(z));
      return {
        country,
        state: country === "US" ? stateFromGeocode(geocode) : null,
        zones: inCountry.length ? inCountry : known,
      };
    })();
    numberCache.set(key, facts);
  }
  return facts;
}
