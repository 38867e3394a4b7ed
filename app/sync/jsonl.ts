/** A bulk result line: a root object, or a child naming its parent with `__parentId`. */
export interface JsonlNode {
  id?: string;
  __parentId?: string;
  [field: string]: unknown;
}

/** A root object with the children read so far, and the 1-based number of its own line. */
export interface JsonlGroup {
  node: JsonlNode;
  children: JsonlNode[];
}

/**
 * The non-blank lines of a JSONL body, streamed (a 100k-customer file is never held in memory
 * whole), each with the byte offset just past it: where a later step asks the file to resume
 * (`Range`) instead of reading it again from the start. `start` is the body's first byte in
 * the file.
 */
export async function* jsonlLines(
  body: ReadableStream<Uint8Array>,
  start = 0,
): AsyncGenerator<{ text: string; end: number }> {
  let rest: Buffer = Buffer.alloc(0);
  let offset = start; // the file offset of rest[0]
  // Node's web streams are async iterables (the DOM typings do not say so).
  for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
    const buffer = rest.length
      ? Buffer.concat([rest, chunk])
      : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    let from = 0;
    for (let nl = buffer.indexOf(10); nl >= 0; nl = buffer.indexOf(10, from)) {
      const text = buffer.toString("utf8", from, nl > from && buffer[nl - 1] === 13 ? nl - 1 : nl);
      from = nl + 1;
      if (text.trim()) yield { text, end: offset + from };
    }
    offset += from;
    rest = buffer.subarray(from);
  }
  const last = rest.toString("utf8");
  if (last.trim()) yield { text: last, end: offset + rest.length };
}

/**
 * Groups a bulk result's lines into root objects with their children, in batches. Shopify
 * writes a child after its parent, but not always directly after it (see the verbatim sample
 * in test/fixtures/shopify/graphql/products-variants.jsonl); with `groupObjects: true` it
 * does. A child whose parent was already handed out comes back in a later batch with its
 * parent and every child seen so far (the writers replace a parent's children, so applying
 * it again is right); parents are remembered for the last `remember` roots.
 */
export class JsonlGrouper {
  private readonly recent = new Map<string, JsonlGroup>();
  /**
   * The remembered ids in the order they came, a ring of `remember` slots: the oldest is
   * evicted from here. Evicting with `recent.keys().next()` cost ~8 µs a root (0.5 s of a
   * 30k sync's CPU): V8 leaves a deleted Map entry as a hole until the table is rebuilt, and
   * that first-key iterator steps over every hole before the oldest live entry.
   */
  private readonly ring: string[] = [];
  private next = 0;
  private pending = new Map<string, JsonlGroup>();
  /** Children whose parent is neither pending nor remembered (reported, not written). */
  orphans = 0;

  constructor(private readonly remember = 5_000) {}

  /** Adds one parsed line; returns how many roots are pending. */
  add(node: JsonlNode): number {
    const parentId = node.__parentId;
    if (!parentId) {
      const group = { node, children: [] };
      if (node.id) {
        this.pending.set(node.id, group);
        this.remembered(node.id, group);
      }
      return this.pending.size;
    }
    const { __parentId: _, ...child } = node;
    const group = this.pending.get(parentId) ?? this.recent.get(parentId);
    if (!group) {
      this.orphans++;
      return this.pending.size;
    }
    group.children.push(child);
    this.pending.set(parentId, group);
    return this.pending.size;
  }

  pendingRoots(): number {
    return this.pending.size;
  }

  /** The pending groups, in the order their roots (or late children) arrived. */
  take(): JsonlGroup[] {
    const groups = [...this.pending.values()];
    this.pending = new Map();
    return groups;
  }

  private remembered(id: string, group: JsonlGroup) {
    const known = this.recent.has(id); // a repeated id keeps its place, as Map.set keeps it
    this.recent.set(id, group);
    if (known) return;
    if (this.remember <= 0) return void this.recent.delete(id);
    if (this.ring.length < this.remember) {
      this.ring.push(id);
      return;
    }
    this.recent.delete(this.ring[this.next]!);
    this.ring[this.next] = id;
    this.next = (this.next + 1) % this.remember;
  }
}
