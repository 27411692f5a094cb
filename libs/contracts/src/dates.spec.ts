import 'reflect-metadata';
import { plainToInstance } from 'class-transformer';
import { IsOptional, validateSync } from 'class-validator';
import { IsApiDate, parseApiDate } from './dates';

class Filter {
  @IsOptional()
  @IsApiDate()
  after?: Date;
}

describe('API dates', () => {
  const instant = Date.UTC(2017, 1, 20, 7, 0, 0);

  it.each<[string, unknown]>([
    ['epoch ms as a number', 1487574000000],
    ['epoch ms as a string (query)', '1487574000000'],
    ['ISO with Z', '2017-02-20T07:00:00.000Z'],
    ['ISO with +02:00', '2017-02-20T09:00:00+02:00'],
    ['ISO with -0700', '2017-02-20T00:00:00.000-0700'],
    ['ISO without seconds, offset +0000', '2017-02-20T07:00+0000'],
  ])('accepts %s and answers the UTC instant', (_label, value) => {
    expect(parseApiDate(value)?.getTime()).toBe(instant);
  });

  it.each<[string, unknown]>([
    ['no offset', '2017-02-20T07:00:00'],
    ['date only', '2017-02-20'],
    ['impossible day', '2017-02-30T00:00:00Z'],
    ['hour 24', '2017-02-20T24:00:00Z'],
    ['offset out of range', '2017-02-20T07:00:00+25:00'],
    ['free text', 'yesterday'],
    ['a fraction of a millisecond as a number', 1.5],
    ['a boolean', true],
    ['an RFC 2822 string', 'Mon, 20 Feb 2017 07:00:00 GMT'],
  ])('refuses %s', (_label, value) => {
    expect(parseApiDate(value)).toBeUndefined();
  });

  it('converts in a DTO and names the field when the offset is missing', () => {
    const good = plainToInstance(Filter, { after: '2017-02-20T00:00:00-07:00' });
    expect(validateSync(good)).toEqual([]);
    expect(good.after).toEqual(new Date(instant));

    const bad = plainToInstance(Filter, { after: '2017-02-20T00:00:00' });
    const errors = validateSync(bad);
    expect(errors).toHaveLength(1);
    expect(errors[0]!.property).toBe('after');
    expect(Object.values(errors[0]!.constraints ?? {})[0]).toMatch(/^after must be epoch milliseconds or an ISO-8601/);
  });
});
