import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { JSONCodec, NatsConnection, Subscription } from 'nats';
import { IdentityEvents, MailRequestedEvent } from '@quire/contracts';
import { NATS_CONNECTION } from '@quire/platform';
import { IdentityEnv } from '../identity.env';

const codec = JSONCodec<MailRequestedEvent>();

/** What the sink logs of a mail: in production, secret values (token, link) are left out. */
export function mailForLog(mail: MailRequestedEvent, production: boolean): Record<string, unknown> {
  const values = Object.fromEntries(
    Object.entries(mail.values).map(([key, value]) => [key, production && /token|link/i.test(key) ? '(hidden in production)' : value]),
  );
  return { to: mail.to, template: mail.template, loginName: mail.loginName, values };
}

/**
 * Stands in for a mailer: logs each requested mail (one replica per mail: queue group). In
 * production mode secret values (the reset token) are left out of the log.
 */
@Injectable()
export class DevMailSink implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Mail');
  private subscription: Subscription | undefined;

  constructor(
    @Inject(NATS_CONNECTION) private readonly connection: NatsConnection,
    private readonly env: IdentityEnv,
  ) {}

  onApplicationBootstrap(): void {
    this.subscription = this.connection.subscribe(`${this.env.NATS_SUBJECT_PREFIX}${IdentityEvents.mailRequested}`, {
      queue: 'identity-mail',
      callback: (error, message) => {
        if (error) return;
        try {
          this.log(codec.decode(message.data));
        } catch {
          this.logger.warn('Unreadable mail event');
        }
      },
    });
  }

  onModuleDestroy(): void {
    this.subscription?.unsubscribe();
  }

  private log(mail: MailRequestedEvent): void {
    this.logger.log(mailForLog(mail, this.env.NODE_ENV === 'production'), 'Mail (dev sink: not sent)');
  }
}
