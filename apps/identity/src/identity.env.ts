import { ServiceEnv } from '@quire/platform';

/** Settings of the identity service (see README, "Configuration"). */
export class IdentityEnv extends ServiceEnv {}
