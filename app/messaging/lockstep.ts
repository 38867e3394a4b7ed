/**
 * The side-by-side tasks of one batch (dispatch: one per shop) meeting at the statements they
 * would each make on their own, so that each is made once for all of them: a task calls a step
 * with its input and gets its own output back once every task still running has called that
 * step or left (finished, failed, or took a path without it). Each task calls a step at most
 * once and leaves when it is done (`leave` in a finally), or the others would wait for it.
 *
 * The steps must be called in the same order by every task (dispatch: send locks, first-text
 * flags, claims, results); a task never waits on another except at a step.
 */
export class Lockstep {
  private readonly steps: StepState[] = [];

  constructor(private readonly parties: number) {}

  /** A statement made once for every task that calls it: `run` gets the inputs in call order, returns an output each. */
  step<I, O>(run: (inputs: I[]) => Promise<O[]>): Step<I, O> {
    const state: StepState = { expected: this.parties, waiting: [], run: run as StepState["run"] };
    this.steps.push(state);
    return new Step<I, O>(state);
  }

  /** One task's handle: its calls of the steps, and its leaving. */
  party(): Party {
    const called = new Set<StepState>();
    const steps = this.steps;
    return {
      call<I, O>(step: Step<I, O>, input: I): Promise<O> {
        const { state } = step;
        if (called.has(state)) throw new Error("lockstep: a task calls each step once");
        called.add(state);
        const output = new Promise<O>((resolve, reject) => {
          state.waiting.push({ input, resolve: resolve as (o: unknown) => void, reject });
          flush(state);
        });
        // A task that failed elsewhere meanwhile no longer awaits it: its rejection is not unhandled.
        output.catch(() => undefined);
        return output;
      },
      leave() {
        for (const state of steps)
          if (!called.has(state)) {
            called.add(state);
            state.expected--;
            flush(state);
          }
      },
    };
  }
}

export interface Party {
  call<I, O>(step: Step<I, O>, input: I): Promise<O>;
  leave(): void;
}

/** A shared statement: what each task gives it (I) and gets back (O). */
export class Step<I, O> {
  declare readonly io?: (input: I) => O;
  constructor(readonly state: StepState) {}
}

interface StepState {
  expected: number;
  waiting: { input: unknown; resolve: (o: unknown) => void; reject: (e: unknown) => void }[];
  run: (inputs: unknown[]) => Promise<unknown[]>;
}

/** Runs the step once every task still expected has called it. */
function flush(state: StepState) {
  if (state.waiting.length === 0 || state.waiting.length < state.expected) return;
  const group = state.waiting;
  state.waiting = [];
  Promise.resolve()
    .then(() => state.run(group.map((w) => w.input)))
    .then(
      (outputs) => group.forEach((w, k) => w.resolve(outputs[k])),
      (error: unknown) => group.forEach((w) => w.reject(error)),
    );
}
