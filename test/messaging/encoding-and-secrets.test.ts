import { describe, expect, it } from "vitest";
import { encodeSms, estimateCost } from "../../app/messaging/sms-encoding";
import { SecretBox } from "../../app/security/secrets.server";

describe("SMS segment counting", () => {
  it.each([
    ["", "GSM-7", 0, 0],
    ["a".repeat(160), "GSM-7", 160, 1],
    ["a".repeat(161), "GSM-7", 161, 2],
    ["a".repeat(306), "GSM-7", 306, 2],
    ["a".repeat(307), "GSM-7", 307, 3],
    ["€".repeat(80), "GSM-7", 160, 1], // extension characters take two septets
    ["€".repeat(81), "GSM-7", 162, 2],
    ["Olá, João! Café ☕", "UCS-2", 17, 1],
    ["ü".repeat(160), "GSM-7", 160, 1], // ü is in the GSM basic set
    ["ú".repeat(70), "UCS-2", 70, 1], // ú is not
    ["ú".repeat(71), "UCS-2", 71, 2],
    ["😀".repeat(35), "UCS-2", 70, 1], // outside the BMP: two UTF-16 units each
  ] as const)("%#: %s", (body, encoding, units, segments) => {
    expect(encodeSms(body)).toMatchObject({ encoding, units, segments });
  });

  it("names the characters that force UCS-2 and prices by segment", () => {
    expect(encodeSms("Hi “Ava”").nonGsm).toEqual(["“", "”"]);
    expect(estimateCost("a".repeat(200), 0.0079)).toBeCloseTo(0.0158);
  });
});

describe("secrets at rest", () => {
  const key = Buffer.alloc(32, 7).toString("base64");
  it("round-trips, never stores the plaintext, and refuses a wrong key or tampering", () => {
    const box = new SecretBox(key);
    const sealed = box.seal('{"authToken":"secret-token"}', "shop:a:twilio");
    expect(sealed).not.toContain("secret-token");
    expect(box.seal("x", "a")).not.toBe(box.seal("x", "a")); // fresh IV each time
    expect(box.open(sealed, "shop:a:twilio")).toBe('{"authToken":"secret-token"}');
    expect(() => new SecretBox(Buffer.alloc(32, 8).toString("base64")).open(sealed, "shop:a:twilio")).toThrow();
    const parts = sealed.split(":");
    parts[4] = Buffer.from("tampered").toString("base64");
    expect(() => box.open(parts.join(":"), "shop:a:twilio")).toThrow();
    expect(() => new SecretBox("short")).toThrow(/32 bytes/);
  });
});
