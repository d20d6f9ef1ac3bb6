import { OffsetCommitter, type PartitionOffset } from '../src/offset-committer';

function recording(fail: () => boolean = () => false) {
  const commits: PartitionOffset[][] = [];
  const committer = new OffsetCommitter(async (offsets) => {
    commits.push(offsets);
    if (fail()) throw new Error('coordinator moved');
  });
  return { committer, commits };
}

it('commits the offset after the latest finished message of each partition, in one request', async () => {
  const { committer, commits } = recording();
  committer.finished('t', 0, '4');
  committer.finished('t', 0, '5');
  committer.finished('t', 1, '9');
  committer.finished('u', 0, '0');
  await committer.flush();
  expect(commits).toEqual([
    [
      { topic: 't', partition: 0, offset: '6' },
      { topic: 't', partition: 1, offset: '10' },
      { topic: 'u', partition: 0, offset: '1' },
    ],
  ]);
  expect(committer.uncommitted()).toEqual([]);
});

it('sends nothing when nothing finished since the last commit', async () => {
  const { committer, commits } = recording();
  committer.finished('t', 0, '1');
  await committer.flush();
  await committer.flush();
  expect(commits).toHaveLength(1);
});

it('keeps what a failed commit carried for the next one, unless a later offset of the partition finished', async () => {
  let failing = true;
  const { committer, commits } = recording(() => failing);
  committer.finished('t', 0, '1');
  committer.finished('t', 1, '7');
  const failed = committer.flush();
  committer.finished('t', 1, '8'); // while the commit is under way
  await expect(failed).rejects.toThrow('coordinator moved');
  failing = false;
  await committer.flush();
  expect(commits[1]).toEqual([
    { topic: 't', partition: 1, offset: '9' },
    { topic: 't', partition: 0, offset: '2' },
  ]);
});

it('never runs two commits at once', async () => {
  let running = 0;
  let most = 0;
  const committer = new OffsetCommitter(async () => {
    most = Math.max(most, ++running);
    await new Promise((r) => setImmediate(r));
    running--;
  });
  committer.finished('t', 0, '1');
  const first = committer.flush();
  committer.finished('t', 0, '2');
  await Promise.all([first, committer.flush(), committer.flush()]);
  expect(most).toBe(1);
});

it('forgets the partitions a rebalance took away', () => {
  const { committer } = recording();
  committer.finished('t', 0, '1');
  committer.finished('t', 1, '1');
  committer.finished('u', 0, '1');
  committer.joined({ t: [1] });
  expect(committer.uncommitted()).toEqual([{ topic: 't', partition: 1, offset: '2' }]);
});

it('handles offsets beyond 2^53', async () => {
  const { committer, commits } = recording();
  committer.finished('t', 0, '9007199254740993');
  await committer.flush();
  expect(commits[0]?.[0]?.offset).toBe('9007199254740994');
});

it('says which finished message is the first of its partition since the last (re)join', () => {
  const { committer } = recording();
  expect(committer.finished('t', 0, '1')).toBe(true);
  expect(committer.finished('t', 0, '2')).toBe(false);
  expect(committer.finished('t', 1, '5')).toBe(true);
  committer.joined({ t: [0, 1] });
  expect(committer.finished('t', 0, '3')).toBe(true);
});
