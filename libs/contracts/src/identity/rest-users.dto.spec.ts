import 'reflect-metadata';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { RestUsersCountQuery, RestUsersListQuery, UpdateRestUserBody } from './rest-users.dto';

/** The gateway's and identity's pipe options (createValidationPipe): whitelist, forbid the rest, transform. */
function check<T extends object>(type: new () => T, plain: object): { value: T; fields: string[] } {
  const value = plainToInstance(type, plain);
  const errors = validateSync(value, { whitelist: true, forbidNonWhitelisted: true });
  return { value, fields: errors.map((e) => e.property).sort() };
}

describe('rest-auth users DTOs', () => {
  it('reads the list query from strings: numbers, booleans, bounds', () => {
    const ok = check(RestUsersListQuery, { start: '20', maxResults: '1000', listAll: 'false', includeStats: 'true', activityStatus: 'LOCKED' });
    expect(ok.fields).toEqual([]);
    expect(ok.value).toMatchObject({ start: 20, maxResults: 1000, listAll: false, includeStats: true });
    expect(check(RestUsersListQuery, { start: '-1' }).fields).toEqual(['start']);
    expect(check(RestUsersListQuery, { maxResults: '1001' }).fields).toEqual(['maxResults']);
    expect(check(RestUsersListQuery, { maxResults: '0' }).fields).toEqual(['maxResults']);
    expect(check(RestUsersListQuery, { start: '1.5', listAll: 'yes', activityStatus: 'Closed' }).fields).toEqual(['activityStatus', 'listAll', 'start']);
    expect(check(RestUsersListQuery, { type: 'SUPER' }).fields).toEqual(['type']);
    // count takes the filters but not the page
    expect(check(RestUsersCountQuery, { searchString: 'ann', start: '0' }).fields).toEqual(['start']);
  });

  it('takes back a UserDetail as the PUT body; null clears institute and department, anything unknown is refused', () => {
    const detail = {
      id: '6f1c2a9e-3b7d-4c1e-9a2f-0d5e8b7c6a41',
      firstName: 'Ann',
      lastName: 'Able',
      loginName: 'ann',
      domainName: 'openspecimen',
      emailAddress: 'ann@example.test',
      instituteName: 'North Lab',
      deptName: 'Pathology',
      admin: false,
      activityStatus: 'Active',
      creationDate: 1764748800000,
    };
    expect(check(UpdateRestUserBody, detail).fields).toEqual([]);
    expect(check(UpdateRestUserBody, { ...detail, instituteName: null, deptName: null }).fields).toEqual([]);
    expect(check(UpdateRestUserBody, { ...detail, instituteName: '' }).fields).toEqual(['instituteName']);
    expect(check(UpdateRestUserBody, { lastName: 'Able', emailAddress: 'x' }).fields).toEqual(['emailAddress', 'firstName']);
    expect(check(UpdateRestUserBody, { ...detail, activityStatus: 'active', admin: 'no', type: 'SUPER' }).fields).toEqual(['activityStatus', 'admin', 'type']);
    expect(check(UpdateRestUserBody, { ...detail, creationDate: '2026-12-03T10:00:00' }).fields).toEqual(['creationDate']);
  });
});
