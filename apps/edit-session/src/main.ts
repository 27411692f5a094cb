import 'reflect-metadata';
import { bootstrapService } from '@quire/platform';
import { EditSessionEnv } from './edit-session.env';
import { EditSessionModule } from './edit-session.module';

void bootstrapService({ name: 'edit-session', envClass: EditSessionEnv, defaultPort: 3102, module: (env) => EditSessionModule.forRoot(env) });
