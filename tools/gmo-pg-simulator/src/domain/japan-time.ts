/** GMO-PG dates are Japan time (UTC+9, no daylight saving): `TranDate`, `ProcessDate`, and the day of a VOID. */
const JST_OFFSET_MS = 9 * 3_600_000;
export const DAY_MS = 86_400_000;

/** `yyyyMMddHHmmss` in Japan time, as in `TranDate` and `ProcessDate`. */
export function japanTimestamp(ms: number): string {
  const d = new Date(ms + JST_OFFSET_MS);
  const two = (n: number) => String(n).padStart(2, '0');
  return (
    `${d.getUTCFullYear()}${two(d.getUTCMonth() + 1)}${two(d.getUTCDate())}` +
    `${two(d.getUTCHours())}${two(d.getUTCMinutes())}${two(d.getUTCSeconds())}`
  );
}

/** `yyyyMMdd` in Japan time. */
export const japanDay = (ms: number): string => japanTimestamp(ms).slice(0, 8);

/** `yyyyMM` in Japan time. */
export const japanMonth = (ms: number): string => japanTimestamp(ms).slice(0, 6);
