/**
 * Batch dispatch paces each shop across all workers in the database (send-pace.server) and
 * sleeps through this object's `sleep` (the tests pass one that returns at once).
 *
 * Per-shop send pacing in this process: at most `perSecond` sends per shop per second
 * (the provider's messages-per-second for the shop's number). Several workers each pace
 * themselves, so the total is workers × rate; keep one sending worker per provider account
 * or divide the rate (noted in docs/ARCHITECTURE.md).
 */
export class SendPacer {
  private next = new Map<string, number>();

  constructor(readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms))) {}

  async wait(shopId: string, perSecond: number): Promise<void> {
    const interval = 1000 / Math.max(1, perSecond);
    const now = Date.now();
    const slot = Math.max(now, this.next.get(shopId) ?? 0);
    this.next.set(shopId, slot + interval);
    if (slot > now) await this.sleep(slot - now);
  }
}
