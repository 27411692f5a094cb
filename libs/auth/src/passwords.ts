import { randomBytes, scrypt as scryptCallback, timingSafeEqual } from 'node:crypto';

/**
 * Password hashing with scrypt from node:crypto (docs/adr/004). Stored as
 * `scrypt$<N>$<r>$<p>$<salt b64url>$<key b64url>`, so the parameters can be raised later and old
 * hashes still verify.
 */
export const ScryptParameters = { N: 16384, r: 8, p: 1, keyLength: 64, saltBytes: 16 } as const;

function scrypt(password: string, salt: Buffer, keyLength: number, N: number, r: number, p: number): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scryptCallback(password.normalize('NFKC'), salt, keyLength, { N, r, p, maxmem: 256 * N * r }, (error, key) =>
      error ? reject(error) : resolve(key),
    ),
  );
}

export async function hashPassword(password: string): Promise<string> {
  const { N, r, p, keyLength, saltBytes } = ScryptParameters;
  const salt = randomBytes(saltBytes);
  const key = await scrypt(password, salt, keyLength, N, r, p);
  return ['scrypt', N, r, p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

/** Constant-time check; a malformed stored hash verifies as false (after doing the same work). */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, key] = stored.split('$');
  const expected = Buffer.from(key ?? '', 'base64url');
  const wellFormed = scheme === 'scrypt' && expected.length > 0 && [n, r, p].every((v) => /^\d+$/.test(v ?? ''));
  const params = wellFormed ? { N: Number(n), r: Number(r), p: Number(p) } : ScryptParameters;
  const actual = await scrypt(password, Buffer.from(salt ?? '', 'base64url'), wellFormed ? expected.length : ScryptParameters.keyLength, params.N, params.r, params.p);
  return wellFormed && actual.length === expected.length && timingSafeEqual(actual, expected);
}

/**
 * A hash nobody's password matches, checked against when the user does not exist, so that an
 * unknown login name costs the same scrypt work as a wrong password.
 */
export const DUMMY_PASSWORD_HASH = `scrypt$${ScryptParameters.N}$${ScryptParameters.r}$${ScryptParameters.p}$${Buffer.alloc(16).toString('base64url')}$${Buffer.alloc(64, 1).toString('base64url')}`;

/** The password policy (sign-up, reset, user creation): 10–200 characters, a letter and a digit. */
export function passwordProblem(password: string): string | undefined {
  if (password.length < 10) return 'Password must be at least 10 characters long';
  if (password.length > 200) return 'Password must be at most 200 characters long';
  if (!/\p{L}/u.test(password) || !/\d/.test(password)) return 'Password must contain a letter and a digit';
  return undefined;
}
