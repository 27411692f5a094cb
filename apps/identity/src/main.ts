import 'reflect-metadata';
import { bootstrapService, Outbox } from '@quire/platform';
import { BootstrapAccount } from './bootstrap/bootstrap-account';
import { IdentityEnv } from './identity.env';
import { IdentityModule } from './identity.module';

void bootstrapService({
  name: 'identity',
  envClass: IdentityEnv,
  defaultPort: 3101,
  module: (env) => IdentityModule.forRoot(env),
  // Tables exist from here on: create the bootstrap admin, then publish what the outbox holds.
  afterMigrations: async (app) => {
    await app.get(BootstrapAccount).run();
    app.get(Outbox).start();
  },
});
