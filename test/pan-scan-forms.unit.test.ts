// The leak scan's base64 needles match a card number wherever it sits inside base64 text.
import { base64Forms } from '../scripts/pan-scan';

const pan = '4242424242424242';

test.each([0, 1, 2, 3, 7])('finds the number base64-encoded after %i other bytes', (prefix) => {
  const text = Buffer.from(`${'x'.repeat(prefix)}{"pan":"${pan}"}`).toString('base64');
  expect(base64Forms(pan).some((form) => text.includes(form))).toBe(true);
});

test('a different number does not match', () => {
  const text = Buffer.from('{"pan":"4000000000000002"}').toString('base64');
  expect(base64Forms(pan).some((form) => text.includes(form))).toBe(false);
});
