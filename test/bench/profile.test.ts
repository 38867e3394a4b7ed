import { mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { placeOf, summariseProfile } from "../../bench/profile";

// A V8 .cpuprofile as `node --cpu-prof` writes it: nodes with call frames, one sample (node id)
// per tick and the microseconds between ticks.
const profile = {
  nodes: [
    { id: 1, callFrame: { functionName: "(root)", url: "", lineNumber: -1 } },
    { id: 2, callFrame: { functionName: "(idle)", url: "", lineNumber: -1 } },
    {
      id: 3,
      callFrame: { functionName: "checkGates", url: "file:///repo/app/messaging/gates.server.ts", lineNumber: 40 },
    },
    {
      id: 4,
      callFrame: {
        functionName: "performIO",
        url: "file:///repo/node_modules/@prisma/adapter-pg/dist/index.mjs",
        lineNumber: 9,
      },
    },
  ],
  startTime: 0,
  endTime: 1000,
  samples: [2, 3, 3, 4, 3, 2],
  timeDeltas: [100, 100, 100, 100, 100, 100],
};

describe("bench --profile summaries", () => {
  it("ranks frames by self time, as a share of the time on the CPU (idle left out)", () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "profile-"));
    const file = path.join(dir, "section.cpuprofile");
    writeFileSync(file, JSON.stringify(profile));

    const summary = summariseProfile(file);

    expect(summary.busyShare).toBeCloseTo(4 / 6);
    expect(summary.topFrames[0]).toMatchObject({ frame: "checkGates app/messaging/gates.server.ts:41", share: 0.75 });
    expect(summary.byPlace.map((p) => [p.place, p.share])).toEqual([
      ["app/messaging", 0.75],
      ["@prisma/adapter-pg", 0.25],
    ]);
  });

  it("names the place of a frame by app folder or package", () => {
    expect(placeOf("file:///x/node_modules/pg-boss/dist/a.js", "f")).toBe("pg-boss");
    expect(placeOf("file:///x/app/segments/evaluate.server.ts", "f")).toBe("app/segments");
    expect(placeOf("node:internal/streams/x", "f")).toBe("node:internal");
    expect(placeOf("", "(garbage collector)")).toBe("(gc)");
  });
});
