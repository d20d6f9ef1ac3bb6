/** An offset to commit: the next one to consume in a partition (the last finished one + 1). */
export interface PartitionOffset {
  topic: string;
  partition: number;
  offset: string;
}

const keyOf = (topic: string, partition: number): string => `${partition}\u0000${topic}`;

/**
 * The offsets of messages whose handling finished (handled or dead-lettered), until they are committed.
 * kafkajs hands a partition's messages over one at a time, in order, so the latest finished offset of a
 * partition says that every message before it finished too: committing it never skips an unfinished
 * one. `flush` commits what is pending in one request; commits never overlap, and what a failed commit
 * carried is kept (unless a later offset of the same partition finished meanwhile) for the next flush.
 */
export class OffsetCommitter {
  private readonly pending = new Map<string, PartitionOffset>();
  /** Partitions with a message finished since this member (re)joined the group. */
  private readonly started = new Set<string>();
  private committing: Promise<void> | undefined;

  constructor(private readonly commit: (offsets: PartitionOffset[]) => Promise<void>) {}

  /**
   * The message at `offset` of this partition is done with. True for the first one of the partition
   * since the member (re)joined: that one should be committed at once, since a partition the group
   * never committed restarts from its end (not from that message) for a `fromBeginning: false` group.
   */
  finished(topic: string, partition: number, offset: string): boolean {
    const key = keyOf(topic, partition);
    this.pending.set(key, { topic, partition, offset: (BigInt(offset) + 1n).toString() });
    if (this.started.has(key)) return false;
    this.started.add(key);
    return true;
  }

  /** Offsets finished and not committed yet. */
  uncommitted(): PartitionOffset[] {
    return [...this.pending.values()];
  }

  /**
   * The member (re)joined the group with this assignment: forgets the partitions it no longer owns
   * (their new owner goes on from the group's offset), and the next finished message of each partition
   * is a first again.
   */
  joined(assignment: Record<string, number[]>): void {
    for (const [key, { topic, partition }] of this.pending) {
      if (!assignment[topic]?.includes(partition)) this.pending.delete(key);
    }
    this.started.clear();
  }

  /** Commits what is pending (after a commit already under way); rejects with the commit's error. */
  async flush(): Promise<void> {
    while (this.committing) await this.committing.catch(() => {});
    if (this.pending.size === 0) return;
    const offsets = [...this.pending.values()];
    this.pending.clear();
    this.committing = this.commit(offsets)
      .catch((err: unknown) => {
        for (const o of offsets) {
          const key = keyOf(o.topic, o.partition);
          if (!this.pending.has(key)) this.pending.set(key, o);
        }
        throw err;
      })
      .finally(() => {
        this.committing = undefined;
      });
    await this.committing;
  }
}
