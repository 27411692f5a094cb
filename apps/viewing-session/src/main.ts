import 'reflect-metadata';
import { bootstrapService } from '@quire/platform';
import { ViewingSessionEnv } from './viewing-session.env';
import { ViewingSessionModule } from './viewing-session.module';

void bootstrapService({ name: 'viewing-session', envClass: ViewingSessionEnv, defaultPort: 3105, module: (env) => ViewingSessionModule.forRoot(env) });
