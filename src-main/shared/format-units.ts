/**
 * Units shared by the console and the CLI, so both say a size the same way. Pure; numbers use a
 * fixed `en-US` grouping so output reads the same on every machine.
 */

const wholeNumber = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const oneDecimal = new Intl.NumberFormat('en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1 });
export const BYTE_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];

/** 1536 bytes → "1.5 KiB". */
export function formatBytes(bytes: number): string {
  let value = bytes;
  let index = 0;
  while (value >= 1024 && index < BYTE_UNITS.length - 1) {
    value /= 1024;
    index++;
  }
  return index === 0 ? `${wholeNumber.format(value)} B` : `${oneDecimal.format(value)} ${BYTE_UNITS[index]}`;
}

/** A moment in the one format titles and messages use: `2026-12-02 01:00 UTC` (minutes; the console shows local time with its zone). */
export function formatUtcMinute(iso: string): string {
  const time = new Date(iso);
  return Number.isNaN(time.getTime()) ? iso : `${time.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}
