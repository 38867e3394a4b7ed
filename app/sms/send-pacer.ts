/**
 * The real-time clock of sending: when a text may go is a moment of wall-clock time (the
 * shop's paced slots, shared by every worker in the database: messaging/send-pace), and a
 * worker waits for it here. Tests pass one that never sleeps, or one whose time jumps to
 * play a worker that stalls.
 */
export class SendPacer {
  constructor(
    readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
    readonly now: () => number = Date.now,
  ) {}
}
