import { describe, expect, it } from "vitest";
import { maskPhone } from "../../app/operator/reports.server";

describe("phone masking on screen and in reports", () => {
  it.each([
    ["+14155550123", "+1•••0123"],
    ["+447400123987", "+44•••3987"],
    ["+60123456789", "+60•••6789"],
    // Short national numbers (7 digits or fewer) show 2 digits.
    ["+3541234567", "+354•••67"],
  ])("GIVEN %s WHEN masked THEN only the country code and the last digits remain: %s", (phone, masked) => {
    expect(maskPhone(phone)).toBe(masked);
  });

  it("GIVEN no number WHEN masked THEN null", () => {
    expect(maskPhone(null)).toBeNull();
  });

  it("GIVEN a US number WHEN masked THEN the area code (which narrows it to a city) is not shown", () => {
    expect(maskPhone("+14155550123")).not.toContain("415");
  });
});
