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
  private committing: Promise<void> | undefined;

  constructor(private readonly commit: (offsets: PartitionOffset[]) => Promise<void>) {}

  /** The message at `offset` of this partition is done with. */
  finished(topic: string, partition: number, offset: string): void {
    this.pending.set(keyOf(topic, partition), { topic, partition, offset: (BigInt(offset) + 1n).toString() });
  }

  /** Offsets finished and not committed yet. */
  uncommitted(): PartitionOffset[] {
    return [...this.pending.values()];
  }

  /** Forgets the partitions this member no longer owns after a rebalance: their new owner goes on from the group's offset. */
  retainOnly(assignment: Record<string, number[]>): void {
    for (const [key, { topic, partition }] of this.pending) {
      if (!assignment[topic]?.includes(partition)) this.pending.delete(key);
    }
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
