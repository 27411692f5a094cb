import { Transform } from 'class-transformer';
import { ValidateBy, ValidationOptions } from 'class-validator';

/**
 * Dates on every API (DESIGN.md "Dates"; rest-auth spec): epoch milliseconds, or ISO-8601 WITH an
 * offset (`Z`, `+02:00`, `-0700`). Anything else, a date without an offset above all, is refused:
 * the server never guesses a time zone.
 */
const ISO_WITH_OFFSET =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})$/;
const EPOCH_MS = /^-?\d{1,15}$/;

/** The instant a value names, or undefined when it is not an accepted date. */
export function parseApiDate(value: unknown): Date | undefined {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value;
  if (typeof value === 'number') return Number.isSafeInteger(value) ? validDate(value) : undefined;
  if (typeof value !== 'string') return undefined;
  if (EPOCH_MS.test(value)) return validDate(Number(value));
  const match = ISO_WITH_OFFSET.exec(value);
  if (!match) return undefined;
  const [, y, mo, d, h, mi, s = '0', fraction = '0', zone] = match;
  const offsetMinutes = zone === 'Z' ? 0 : offsetOf(zone!);
  if (offsetMinutes === undefined) return undefined;
  const [year, month, day, hour, minute, second] = [y, mo, d, h, mi, s].map(Number) as [number, number, number, number, number, number];
  const ms = Math.floor(Number(`0.${fraction}`) * 1000);
  const local = Date.UTC(year, month - 1, day, hour, minute, second, ms);
  const check = new Date(local);
  // Date.UTC rolls 2017-02-30 over to March; a calendar date must stay what it says.
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day || hour > 23 || minute > 59 || second > 59) {
    return undefined;
  }
  return validDate(local - offsetMinutes * 60_000);
}

function offsetOf(zone: string): number | undefined {
  const digits = zone.slice(1).replace(':', '');
  const hours = Number(digits.slice(0, 2));
  const minutes = Number(digits.slice(2));
  if (hours > 18 || minutes > 59) return undefined;
  return (zone.startsWith('-') ? -1 : 1) * (hours * 60 + minutes);
}

function validDate(ms: number): Date | undefined {
  const date = new Date(ms);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

export const API_DATE_MESSAGE = 'must be epoch milliseconds or an ISO-8601 date-time with an offset (Z, +02:00, -0700)';

/**
 * `@IsApiDate()` on a DTO property: turns an accepted value into a Date (UTC instant) and fails
 * validation, naming the property, for anything else. Needs the validation pipe's `transform`.
 */
export function IsApiDate(options?: ValidationOptions): PropertyDecorator {
  const transform = Transform(({ value }: { value: unknown }) => parseApiDate(value) ?? value);
  const validate = ValidateBy(
    {
      name: 'isApiDate',
      validator: {
        validate: (value: unknown) => value instanceof Date && !Number.isNaN(value.getTime()),
        defaultMessage: (args) => `${args?.property ?? 'value'} ${API_DATE_MESSAGE}`,
      },
    },
    options,
  );
  return (target: object, property: string | symbol) => {
    transform(target, property);
    validate(target, property);
  };
}
