import 'reflect-metadata';
import { bootstrapService } from '@quire/platform';
import { VersionAddedTrigger } from './triggers/version-added-trigger';
import { ViewingSessionEnv } from './viewing-session.env';
import { ViewingSessionModule } from './viewing-session.module';

void bootstrapService({
  name: 'viewing-session',
  envClass: ViewingSessionEnv,
  defaultPort: 3105,
  module: (env) => ViewingSessionModule.forRoot(env),
  // Packages rows are written from here on: the version_added stream is consumed (or deleted when off).
  afterMigrations: async (app) => {
    await app.get(VersionAddedTrigger).start();
  },
});
