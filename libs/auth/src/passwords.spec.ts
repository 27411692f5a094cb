import { DUMMY_PASSWORD_HASH, hashPassword, passwordProblem, ScryptParameters, verifyPassword } from './passwords';

describe('passwords (scrypt)', () => {
  it('verifies the right password only, and records its parameters in the hash', async () => {
    const hash = await hashPassword('Correct-horse-1');
    expect(hash).toMatch(new RegExp(`^scrypt\\$${ScryptParameters.N}\\$${ScryptParameters.r}\\$${ScryptParameters.p}\\$[\\w-]{22}\\$[\\w-]{86}$`));
    expect(await verifyPassword('Correct-horse-1', hash)).toBe(true);
    expect(await verifyPassword('Correct-horse-2', hash)).toBe(false);
    expect(await hashPassword('Correct-horse-1')).not.toBe(hash); // salted
  });

  it('verifies hashes made with other parameters', async () => {
    const hash = await hashPassword('Correct-horse-1');
    const [, , , , salt] = hash.split('$');
    const { scryptSync } = await import('node:crypto');
    const key = scryptSync('Correct-horse-1', Buffer.from(salt!, 'base64url'), 32, { N: 1024, r: 8, p: 1 });
    expect(await verifyPassword('Correct-horse-1', `scrypt$1024$8$1$${salt}$${key.toString('base64url')}`)).toBe(true);
  });

  it('never matches the dummy hash or a malformed one', async () => {
    expect(await verifyPassword('', DUMMY_PASSWORD_HASH)).toBe(false);
    expect(await verifyPassword('anything', 'not-a-hash')).toBe(false);
    expect(await verifyPassword('anything', 'scrypt$x$8$1$AAAA$AAAA')).toBe(false);
  });

  it('applies the policy: 10 to 200 characters, a letter and a digit', () => {
    expect(passwordProblem('Short-1')).toMatch(/at least 10/);
    expect(passwordProblem('no-digits-here')).toMatch(/letter and a digit/);
    expect(passwordProblem('1234567890')).toMatch(/letter and a digit/);
    expect(passwordProblem(`a1${'x'.repeat(199)}`)).toMatch(/at most 200/);
    expect(passwordProblem('Good-password-1')).toBeUndefined();
  });
});
