import { locate, talk } from '../src/audio-match';
import { throughG711 } from '../src/dtmf-signals';

test('finds talk in a recording with other sound mixed in, at its level', () => {
  const ref = talk(2000, 11);
  const other = talk(6000, 23);
  const recording = new Float64Array(24_000 + ref.length + 8000);
  for (let i = 0; i < other.length; i++) recording[4000 + i] = 0.8 * (other[i] ?? 0);
  for (let i = 0; i < ref.length; i++) recording[24_000 + i] = (recording[24_000 + i] ?? 0) + 0.5 * (ref[i] ?? 0);
  const found = locate(ref, throughG711(recording));
  expect(found?.offset).toBe(24_000);
  expect(found?.gainDb).toBeCloseTo(20 * Math.log10(0.5), 0);
  // Other talk is not taken for it.
  const absent = locate(talk(2000, 99), throughG711(other));
  expect(absent === undefined || absent.correlation < 0.3).toBe(true);
});
