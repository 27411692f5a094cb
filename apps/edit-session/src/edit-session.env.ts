import { ServiceEnv } from '@quire/platform';

/** Settings of the edit-session service (see README, "Configuration"). */
export class EditSessionEnv extends ServiceEnv {}
