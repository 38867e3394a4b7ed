import { describe, expect, it } from "vitest";
import db from "../../app/db.server";
import { checkReadiness } from "../../app/health/health.server";
import { loader } from "../../app/routes/readyz";

describe("GET /readyz", () => {
  it("is ready when this build's migrations are all applied", async () => {
    const response = await loader();
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      ready: true,
      checks: { database: "ok", migrations: "ok" },
      pendingMigrations: [],
    });
  });

  it("is not ready while a shipped migration has not been applied", async () => {
    const report = await checkReadiness(db, ["20261123000000_init", "29991231000000_from_the_next_release"]);
    expect(report).toEqual({
      ready: false,
      checks: { database: "ok", migrations: "pending" },
      pendingMigrations: ["29991231000000_from_the_next_release"],
    });
  });
});
