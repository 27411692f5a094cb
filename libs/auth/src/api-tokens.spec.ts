import { apiTokenId, issueApiToken, scopeValue } from './api-tokens';
import { hashSecret } from './tokens';

describe('API tokens', () => {
  it('issues qk_<id>_<secret>, stores only the hash, and reads the id back', () => {
    const issued = issueApiToken();
    expect(issued.token).toMatch(/^qk_[0-9a-f-]{36}_[\w-]{43}$/);
    expect(issued.hash).toBe(hashSecret(issued.token));
    expect(apiTokenId(issued.token)).toBe(issued.id);
    expect(issueApiToken().token).not.toBe(issued.token);
  });

  it('refuses anything else', () => {
    for (const token of ['qk_nope_secretsecretsecretsecret', 'abc', `xx_${issueApiToken().token.slice(3)}`, `${issueApiToken().token}!`]) {
      expect(apiTokenId(token)).toBeUndefined();
    }
  });

  it('reads the credential scopes of a principal', () => {
    expect(scopeValue(['x', 'api_token:t1'], 'api_token')).toBe('t1');
    expect(scopeValue(['login_session:s1'], 'api_token')).toBeUndefined();
  });
});
