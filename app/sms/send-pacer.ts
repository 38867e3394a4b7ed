/** How far ahead a send batch waits for a paced slot; texts whose slot is later are queued for it. */
export const PACE_HORIZON_MS = 2_000;

/**
 * The real-time clock of sending: when a text may go is a moment of wall-clock time (the
 * shop's paced slots, shared by every worker in the database: messaging/send-pace), and a
 * worker waits for it here, but no longer than `horizonMs`: a batch that slept through a slow
 * shop's whole backlog (1 text a second) would hold every other shop's texts fetched with it.
 * Tests pass one that never sleeps, or one whose time jumps to play a worker that stalls.
 */
export class SendPacer {
  constructor(
    readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
    readonly now: () => number = Date.now,
    readonly horizonMs: number = PACE_HORIZON_MS,
  ) {}
}
