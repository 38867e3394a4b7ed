import { describe, expect, it } from "vitest";
import { loader } from "../../app/routes/healthz";

describe("GET /healthz", () => {
  it("answers 200 with a database round-trip", async () => {
    const response = (await loader()) as Response;
    expect(response.status).toBe(200);
    expect(response.headers.get("Cache-Control")).toBe("no-store");
    expect(await response.json()).toMatchObject({ status: "ok", checks: { database: "ok" } });
  });
});
