import { createInterface } from "node:readline";
import { Readable } from "node:stream";

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

/** The lines of a JSONL body, streamed (a 100k-customer file is never held in memory whole). */
export async function* jsonlLines(body: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  const lines = createInterface({ input: Readable.fromWeb(body as never), crlfDelay: Infinity });
  for await (const line of lines) if (line.trim()) yield line;
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
    this.recent.set(id, group);
    if (this.recent.size > this.remember) this.recent.delete(this.recent.keys().next().value!);
  }
}
