import { Global, Inject, Injectable, Module, OnApplicationShutdown } from '@nestjs/common';
import { connect, JSONCodec, NatsConnection } from 'nats';
import { CommonEnv } from '../config/env';
import { NATS_CONNECTION } from './nats.tokens';
import { RpcClient } from './rpc-client';

const codec = JSONCodec<unknown>();

/** Publishes `evt.*` events. Call it after the transaction that made the change has committed. */
@Injectable()
export class EventPublisher {
  constructor(
    @Inject(NATS_CONNECTION) private readonly connection: NatsConnection,
    private readonly env: CommonEnv,
  ) {}

  publish(subject: string, payload: unknown): void {
    this.connection.publish(`${this.env.NATS_SUBJECT_PREFIX}${subject}`, codec.encode(payload));
  }
}

@Injectable()
class NatsConnectionCloser implements OnApplicationShutdown {
  constructor(@Inject(NATS_CONNECTION) private readonly connection: NatsConnection) {}

  async onApplicationShutdown(): Promise<void> {
    if (!this.connection.isClosed()) await this.connection.drain();
  }
}

@Global()
@Module({
  providers: [
    {
      provide: NATS_CONNECTION,
      inject: [CommonEnv],
      useFactory: (env: CommonEnv) =>
        connect({
          servers: env.NATS_URL.split(','),
          name: `quire-client-${process.pid}`,
          maxReconnectAttempts: -1,
          // No stack capture per request: RpcClient turns timeouts into its own errors anyway.
          noAsyncTraces: true,
        }),
    },
    {
      provide: RpcClient,
      inject: [NATS_CONNECTION, CommonEnv],
      useFactory: (connection: NatsConnection, env: CommonEnv) => new RpcClient(connection, env.NATS_REQUEST_TIMEOUT_MS, env.NATS_SUBJECT_PREFIX),
    },
    EventPublisher,
    NatsConnectionCloser,
  ],
  exports: [NATS_CONNECTION, RpcClient, EventPublisher],
})
export class NatsModule {}
