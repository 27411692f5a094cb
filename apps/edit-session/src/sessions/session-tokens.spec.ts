import { editSessionScope } from '@quire/auth';
import { Principal } from '@quire/contracts';
import { DomainError, ErrorCode } from '@quire/errors';
import { EditSession } from './edit-session.entity';
import { assertAgentMaySave } from './session-tokens';

function session(overrides: Partial<EditSession> = {}): EditSession {
  return Object.assign(new EditSession(), {
    id: '7',
    accountId: 'acct',
    labReportId: '3',
    authorUserId: 'alice',
    authorName: 'Dr. Alice',
    isActive: true,
    tokenId: 'jti-1',
    expiresAt: new Date(Date.now() + 60_000),
    ...overrides,
  });
}

const agent = (overrides: Partial<Principal> = {}, scope = editSessionScope('7', 'jti-1')): Principal => ({
  userId: 'alice',
  accountId: 'acct',
  roles: [],
  scopes: [scope],
  ...overrides,
});

function refusal(principal: Principal, editId: string, row: EditSession | null): string {
  try {
    assertAgentMaySave(principal, editId, row);
    return 'allowed';
  } catch (error) {
    return error instanceof DomainError ? error.code : 'other';
  }
}

describe('assertAgentMaySave', () => {
  it('allows the current token of an active, unexpired session of the same account', () => {
    expect(refusal(agent(), '7', session())).toBe('allowed');
  });

  it.each<[string, Principal, string, EditSession | null]>([
    ['another session in the URL', agent(), '8', session()],
    ['a replaced token id (takeover)', agent(), '7', session({ tokenId: 'jti-2' })],
    ['an ended session', agent(), '7', session({ isActive: false })],
    ['an expired session', agent(), '7', session({ expiresAt: new Date(Date.now() - 1) })],
    ['another account', agent({ accountId: 'other' }), '7', session()],
    ['another author (stale token after takeover)', agent({ userId: 'bob' }), '7', session()],
    ['a login principal (no session scope)', agent({}, 'reports:read'), '7', session()],
    ['no session row', agent(), '7', null],
  ])('refuses %s with FORBIDDEN', (_what, principal, editId, row) => {
    expect(refusal(principal, editId, row)).toBe(ErrorCode.Forbidden);
  });
});
