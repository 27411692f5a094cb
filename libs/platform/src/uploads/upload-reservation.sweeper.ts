import { Logger, OnApplicationShutdown, Provider } from '@nestjs/common';
import { ObjectStorage } from '../storage/object-storage';
import { IntervalSweep } from '../system/interval-sweep';
import { UploadReservations } from './upload-reservations';

export interface UploadReservationSweepOptions {
  /** How often expired reservations are looked for. */
  sweepIntervalMs: number;
  /** How long a settled reservation keeps its answer for retried commits. */
  keepSettledSeconds: number;
  /** Reservations handled per round (per transaction). */
  batchSize?: number;
}

/**
 * Deletes the objects of reservations that expired uncommitted, then their rows (and settled
 * rows past `keepSettledSeconds`). Safe on every replica (SKIP LOCKED). `start()` once the schema
 * is migrated (bootstrapService's `afterMigrations`); stops and waits for a round on shutdown.
 */
export class UploadReservationSweeper implements OnApplicationShutdown {
  private readonly background: IntervalSweep;

  constructor(
    private readonly reservations: UploadReservations,
    private readonly storage: ObjectStorage,
    private readonly options: UploadReservationSweepOptions,
  ) {
    this.background = new IntervalSweep(new Logger(UploadReservationSweeper.name), {
      intervalMs: options.sweepIntervalMs,
      round: () => this.sweep(),
      countKey: 'swept',
      doneMessage: 'Swept expired upload reservations',
      failedMessage: 'Upload reservation sweep failed; retrying next interval',
    });
  }

  start(): void {
    this.background.start();
  }

  onApplicationShutdown(): Promise<void> {
    return this.background.stop();
  }

  /** One full sweep (rounds until nothing expired is left); answers the reservations swept. Throws on failure. */
  async sweep(): Promise<number> {
    const batch = this.options.batchSize ?? 100;
    let total = 0;
    for (;;) {
      // A failed delete throws (not deleteQuietly): the rows stay and the next round retries.
      const swept = await this.reservations.sweepExpired(batch, this.options.keepSettledSeconds, (keys) => this.storage.delete(keys));
      total += swept;
      if (swept < batch) return total;
    }
  }
}

/**
 * The service's `UploadReservations` and its sweeper, its options read from the service's env
 * class (list `UploadReservationRow` in the entities too; `start()` the sweeper after migrations).
 */
export function uploadReservationProviders<E>(envClass: new () => E, options: (env: E) => UploadReservationSweepOptions): Provider[] {
  return [
    UploadReservations,
    {
      provide: UploadReservationSweeper,
      inject: [UploadReservations, ObjectStorage, envClass],
      useFactory: (reservations: UploadReservations, storage: ObjectStorage, env: E) => new UploadReservationSweeper(reservations, storage, options(env)),
    },
  ];
}
