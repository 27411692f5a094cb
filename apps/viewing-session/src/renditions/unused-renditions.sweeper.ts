import { Injectable, Logger } from '@nestjs/common';
import { LifecycleIntervalSweep } from '@quire/platform';
import { ViewingSessionEnv } from '../viewing-session.env';
import { RenditionsService } from './renditions.service';

/** How often unused renditions are looked for. */
const SWEEP_INTERVAL_MS = 10 * 60_000;

/** Deletes renditions unused for VIEWING_RENDITION_TTL_HOURS, with their objects. */
@Injectable()
export class UnusedRenditionsSweeper extends LifecycleIntervalSweep {
  constructor(renditions: RenditionsService, env: ViewingSessionEnv) {
    const ttlMs = env.VIEWING_RENDITION_TTL_HOURS * 3_600_000;
    super(new Logger(UnusedRenditionsSweeper.name), {
      intervalMs: SWEEP_INTERVAL_MS,
      round: () => renditions.sweep(new Date(Date.now() - ttlMs)),
      countKey: 'removed',
      doneMessage: 'Removed unused renditions',
      failedMessage: 'Rendition sweep failed; retrying next interval',
    });
  }
}
