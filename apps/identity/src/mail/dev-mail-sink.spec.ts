import { MailRequestedEvent } from '@quire/contracts';
import { mailForLog } from './dev-mail-sink';

describe('dev mail sink', () => {
  const mail: MailRequestedEvent = {
    accountId: 'a',
    template: 'reset-password',
    to: 'carol@example.test',
    loginName: 'carol',
    values: { resetToken: 'secret-token', resetLink: 'https://x/#/reset?token=secret-token', expiresInMinutes: '60' },
  };

  it('logs the reset token in development, to try the flow by hand', () => {
    expect(JSON.stringify(mailForLog(mail, false))).toContain('secret-token');
  });

  it('never logs the token or the link in production', () => {
    const logged = mailForLog(mail, true);
    expect(JSON.stringify(logged)).not.toContain('secret-token');
    expect(logged).toMatchObject({ to: 'carol@example.test', values: { expiresInMinutes: '60' } });
  });
});
