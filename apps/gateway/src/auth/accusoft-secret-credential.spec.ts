import { extractCredential } from './credentials';

describe('Accusoft-Secret credential', () => {
  it('is read on the viewing mount only, before Authorization', () => {
    const headers = { 'accusoft-secret': ' vs_0123456789abcdef_x ', authorization: 'Bearer qk_a_b' };
    expect(extractCredential('viewing', headers)).toEqual({ kind: 'viewing-secret', token: 'vs_0123456789abcdef_x' });
    expect(extractCredential('documents', headers)).toEqual({ kind: 'api-token', token: 'qk_a_b', accountCode: undefined });
    expect(extractCredential('viewing', { authorization: 'Bearer qk_a_b' })).toMatchObject({ kind: 'api-token' });
  });

  it('refuses an absurdly long secret without asking anyone', () => {
    expect(extractCredential('viewing', { 'accusoft-secret': 'x'.repeat(300) })).toBeUndefined();
  });
});
