import { familyOf } from '../families/families';
import { extractCredential } from './credentials';

const jwt = 'aaa.bbb.ccc';

describe('credential extraction', () => {
  it("reads each family's own header, and Bearer everywhere", () => {
    expect(extractCredential('file-upload', { 'x-apitoken': 'abc', 'x-accountcode': 'clinic' })).toEqual({
      kind: 'api-token',
      token: 'abc',
      accountCode: 'clinic',
    });
    expect(extractCredential('documents', { 'x-api-token': jwt })).toEqual({ kind: 'jwt', token: jwt });
    expect(extractCredential('rest-auth', { 'x-os-api-token': 'tok' })).toMatchObject({ kind: 'api-token', token: 'tok' });
    expect(extractCredential('word-edit', { authorization: `Bearer ${jwt}` })).toEqual({ kind: 'jwt', token: jwt });
    expect(extractCredential(undefined, { authorization: `bearer ${jwt}` })).toEqual({ kind: 'jwt', token: jwt });
  });

  it("ignores another family's header and malformed Authorization", () => {
    expect(extractCredential('word-edit', { 'x-apitoken': 'abc' })).toBeUndefined();
    expect(extractCredential('documents', { authorization: 'Basic dXNlcjpwYXNz' })).toBeUndefined();
    expect(extractCredential('documents', { 'x-api-token': '   ' })).toBeUndefined();
    expect(extractCredential('documents', { 'x-api-token': 'x'.repeat(5000) })).toBeUndefined();
  });
});

describe('familyOf', () => {
  it('finds the family by mount, not by a prefix of a longer word', () => {
    expect(familyOf('/api-v3/report/external-edit/12')).toBe('word-edit');
    expect(familyOf('/api_v3/files?target_id=1')).toBe('file-upload');
    expect(familyOf('/files/view/abc?auth_code=x')).toBe('file-upload');
    expect(familyOf('/api/v1/users')).toBe('documents');
    expect(familyOf('/pas/ViewingSession')).toBe('viewing');
    expect(familyOf('/rest/ng/sessions')).toBe('rest-auth');
    expect(familyOf('/pasta')).toBeUndefined();
    expect(familyOf('/health/ready')).toBeUndefined();
  });
});
