/**
 * Durations as Azure writes them in jobs: ISO 8601 with hours as the largest unit and seconds to
 * the millisecond, trailing zeros dropped ("PT1M30.5S", "PT26H0M5S" is written "PT26H5S", zero is "PT0S").
 */
export function formatIsoDuration(ms: number): string {
  const total = Math.max(0, Math.round(ms));
  const hours = Math.floor(total / 3_600_000);
  const minutes = Math.floor((total % 3_600_000) / 60_000);
  const seconds = (total % 60_000) / 1000;
  const parts = [hours > 0 ? `${hours}H` : '', minutes > 0 ? `${minutes}M` : '', seconds > 0 ? `${Number(seconds.toFixed(3))}S` : ''].join('');
  return `PT${parts === '' ? '0S' : parts}`;
}

/** Milliseconds between two ISO times; to `now` while the end is not known yet. */
export function elapsedMs(startTime: string, endTime: string | undefined, now: Date): number {
  return (endTime === undefined ? now.getTime() : Date.parse(endTime)) - Date.parse(startTime);
}
