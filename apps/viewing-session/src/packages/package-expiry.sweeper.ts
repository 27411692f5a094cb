import { Injectable, Logger } from '@nestjs/common';
import { LifecycleIntervalSweep } from '@quire/platform';
import { ViewingSessionEnv } from '../viewing-session.env';
import { ViewingPackagesService } from './viewing-packages.service';

/** Removes expired viewing packages and their uploaded files every VIEWING_SWEEP_INTERVAL_SECONDS. */
@Injectable()
export class PackageExpirySweeper extends LifecycleIntervalSweep {
  constructor(packages: ViewingPackagesService, env: ViewingSessionEnv) {
    super(new Logger(PackageExpirySweeper.name), {
      intervalMs: env.VIEWING_SWEEP_INTERVAL_SECONDS * 1000,
      round: () => packages.sweep(),
      countKey: 'removed',
      doneMessage: 'Removed expired viewing packages',
      failedMessage: 'Viewing package sweep failed; retrying next interval',
    });
  }
}
