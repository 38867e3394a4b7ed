import { describe, expect, it } from "vitest";
import { normalisePhone } from "../../app/contacts/phone";
import { placeRecipient } from "../../app/contacts/zone.server";
import { isAllowedInAll, localMinutes } from "../../app/messaging/quiet-hours";

// The send gates place every text's number after normalising it, and the placement reuses
// that normalisation and the facts of an earlier number with the same prefix instead of
// parsing again (issue 16). Each case is asked cold, then as the gates ask it (normalised
// first), then again: the answers must be the number's own every time.
const numbers = [
  { phone: "+14155550123", country: "US", state: "CA", zones: ["America/Los_Angeles"] },
  { phone: "+14155550199", country: "US", state: "CA", zones: ["America/Los_Angeles"] },
  { phone: "+13055550123", country: "US", state: "FL", zones: ["America/New_York"] },
  { phone: "+14165550123", country: "CA", state: null, zones: ["America/Toronto"] },
  { phone: "+442079460123", country: "GB", state: null, zones: ["Europe/London"] },
  { phone: "+441481255000", country: "GG", state: null, zones: ["Europe/Guernsey"] },
];

describe("placing a number (zone and jurisdiction from the number alone)", () => {
  it("gives each number its own country, state and zones, cold, after the phone gate, and again", async () => {
    for (const n of numbers) {
      const asked = [await placeRecipient({ phone: n.phone }, "Asia/Tokyo")];
      expect(normalisePhone(n.phone)).toMatchObject({ ok: true, e164: n.phone, country: n.country });
      asked.push(await placeRecipient({ phone: n.phone }, "Asia/Tokyo"));
      asked.push(await placeRecipient({ phone: n.phone }, "Asia/Tokyo"));
      for (const place of asked)
        expect(place, n.phone).toEqual({
          zones: n.zones,
          zoneSource: "number",
          jurisdictions: [{ country: n.country, state: n.state }],
        });
    }
  });

  it("a number libphonenumber reads but does not hold valid still places by its prefix", async () => {
    const invalid = "+1415555";
    expect(normalisePhone(invalid).ok).toBe(false);
    const place = await placeRecipient({ phone: invalid }, "Asia/Tokyo");
    expect(place.zones.every((z) => z.startsWith("America/") || z === "Asia/Tokyo")).toBe(true);
  });
});

describe("local minutes, asked for one instant again and again (a send batch's `now`)", () => {
  it("answers each zone for each instant, whatever was asked before", () => {
    const at = new Date("2026-07-01T12:34:00Z");
    const later = new Date("2026-07-01T12:35:30Z");
    for (let round = 0; round < 3; round++) {
      expect(localMinutes(at, "America/Los_Angeles")).toBe(5 * 60 + 34);
      expect(localMinutes(at, "Asia/Kathmandu")).toBe(18 * 60 + 19);
      expect(localMinutes(later, "America/Los_Angeles")).toBe(5 * 60 + 35);
      expect(localMinutes(at, "Europe/London")).toBe(13 * 60 + 34);
    }
    const windows = [{ start: 8 * 60, end: 21 * 60 }];
    expect(isAllowedInAll(at, ["Europe/London", "Asia/Kathmandu"], windows)).toBe(true);
    expect(isAllowedInAll(at, ["Europe/London", "America/Los_Angeles"], windows)).toBe(false);
  });
});
