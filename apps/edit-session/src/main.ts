import 'reflect-metadata';
import { bootstrapService, Outbox } from '@quire/platform';
import { EditSessionEnv } from './edit-session.env';
import { EditSessionModule } from './edit-session.module';

void bootstrapService({
  name: 'edit-session',
  envClass: EditSessionEnv,
  defaultPort: 3102,
  module: (env) => EditSessionModule.forRoot(env),
  // The outbox table exists from here on: start publishing what it holds.
  afterMigrations: async (app) => app.get(Outbox).start(),
});
