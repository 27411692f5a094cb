import { agentUploadUrl, classifyStatus } from './upload-client';

describe('upload outcome', () => {
  it.each([
    [200, 'delivered'],
    [201, 'delivered'],
    [400, 'rejected'],
    [413, 'rejected'],
    [401, 'session-over'],
    [403, 'session-over'],
    [404, 'session-over'],
    [408, 'retry'],
    [429, 'rate-limited'],
    [500, 'retry'],
    [503, 'retry'],
  ])('HTTP %i → %s', (status, kind) => {
    expect(classifyStatus(status)).toBe(kind);
  });

  it('builds the agent route under the server path', () => {
    expect(agentUploadUrl('https://q.example/base', '12')).toBe('https://q.example/base/api-v3/report/external-edit/agent/12');
  });
});
