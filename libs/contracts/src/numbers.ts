import { Transform } from 'class-transformer';

/** `0`, `12`, `-3`: digits only, no sign but a minus, no leading zero, no exponent, point or space. */
const PLAIN_INTEGER = /^-?(0|[1-9][0-9]{0,15})$/;

/**
 * `value` as an integer when it is one, written the one plain way and within ±(2^53 − 1);
 * otherwise undefined. `0x2`, `0b10`, `2e0`, `+2`, `2.0`, ` 2`, `02`, `""` and
 * `999999999999999999999999999999` are not integers here (Number() reads the first five as 2,
 * `""` as 0, and the last as an "integer" 1e30 that overflows a bigint column).
 */
export function strictInteger(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isSafeInteger(value) ? value : undefined;
  if (typeof value !== 'string' || !PLAIN_INTEGER.test(value)) return undefined;
  const number = Number(value);
  return Number.isSafeInteger(number) ? number : undefined;
}

/**
 * For integer ids and paging in path, query and body DTOs, in every family (instead of
 * `@Type(() => Number)`): a strict integer becomes a number; anything else reaches `@IsInt()`
 * as something that is not one (the text as sent, or NaN for an unsafe number), so it is the
 * family's validation 400.
 */
export function StrictInt(): PropertyDecorator {
  return Transform(({ value }: { value: unknown }) => strictInteger(value) ?? (typeof value === 'number' ? Number.NaN : value));
}
