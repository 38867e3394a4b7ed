import { describe, expect, it } from "vitest";
import { Lockstep } from "../../app/messaging/lockstep";

describe("lockstep: the shops of a send batch sharing their statements", () => {
  it("a step runs once, for every task still running, each getting its own answer; a task that left is not waited for", async () => {
    // GIVEN three tasks and a step that doubles what it is given, recording each of its runs
    const lockstep = new Lockstep(3);
    const runs: number[][] = [];
    const double = lockstep.step(async (inputs: number[]) => {
      runs.push(inputs);
      return inputs.map((n) => n * 2);
    });
    const [a, b, c] = [lockstep.party(), lockstep.party(), lockstep.party()];

    // WHEN two call it and the third leaves without calling it
    const answers = Promise.all([a.call(double, 1), b.call(double, 2)]);
    c.leave();

    // THEN it ran once, with both inputs, and each caller got its own answer
    expect(await answers).toEqual([2, 4]);
    expect(runs).toEqual([[1, 2]]);
  });

  it("a step that fails fails every task that called it; a second call by one task is refused", async () => {
    const lockstep = new Lockstep(2);
    const fails = lockstep.step(async (_inputs: string[]): Promise<string[]> => {
      throw new Error("database away");
    });
    const [a, b] = [lockstep.party(), lockstep.party()];
    const first = a.call(fails, "x");
    expect(() => a.call(fails, "again")).toThrow(/each step once/);
    const second = b.call(fails, "y");
    await expect(first).rejects.toThrow("database away");
    await expect(second).rejects.toThrow("database away");
  });
});
