import 'reflect-metadata';
import { bootstrapService } from '@quire/platform';
import { IdentityEnv } from './identity.env';
import { IdentityModule } from './identity.module';

void bootstrapService({ name: 'identity', envClass: IdentityEnv, defaultPort: 3101, module: (env) => IdentityModule.forRoot(env) });
