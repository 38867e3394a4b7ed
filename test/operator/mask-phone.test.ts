import { describe, expect, it } from "vitest";
import { maskPhone, maskPhonesIn } from "../../app/contacts/mask-phone";

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

  it.each([
    [
      "twilio 400 (21211): The 'To' number +14155550123 is not a valid phone number.",
      "twilio 400 (21211): The 'To' number +1•••0123 is not a valid phone number.",
    ],
    ["number +44 7400 123987 refused", "number +44•••3987 refused"],
    ["to 4155550123 from SM0123456789abcdef", "to •••0123 from SM0123456789abcdef"],
  ])(
    "GIVEN a provider's text %j WHEN masked THEN every number in it is masked, ids and codes kept: %j",
    (text, masked) => {
      expect(maskPhonesIn(text)).toBe(masked);
    },
  );
});
