import 'reflect-metadata';
import { bootstrapService, Outbox, UploadReservationSweeper } from '@quire/platform';
import { EditSessionEnv } from './edit-session.env';
import { EditSessionModule } from './edit-session.module';

void bootstrapService({
  name: 'edit-session',
  envClass: EditSessionEnv,
  defaultPort: 3102,
  module: (env) => EditSessionModule.forRoot(env),
  // The outbox and reservation tables exist from here on: publish what the outbox holds, sweep expired reservations.
  afterMigrations: async (app) => {
    app.get(Outbox).start();
    app.get(UploadReservationSweeper).start();
  },
});
