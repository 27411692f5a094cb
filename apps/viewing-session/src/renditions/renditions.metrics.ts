import { Inject, Injectable } from '@nestjs/common';
import { Gauge, register } from 'prom-client';
import { LibreOfficePool } from '../rendering/libreoffice-pool';
import { ConversionQueue } from './conversion-queue';
import { RenditionsService } from './renditions.service';

import { once } from './render-duration';

/** Queue depth, conversions done, pool size and workers' memory, read when scraped. */
@Injectable()
export class RenditionsMetrics {
  private depth: Record<string, number> = { small: 0, large: 0 };
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly queue: ConversionQueue,
    private readonly service: RenditionsService,
    @Inject('LIBREOFFICE_POOL_REF') private readonly pool: LibreOfficePool | undefined,
  ) {}

  start(): void {
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const self = this;
    once('quire_viewing_queue_depth', () => new Gauge({ name: 'quire_viewing_queue_depth', help: 'Conversion jobs waiting or in flight', labelNames: ['size_class'] }));
    const depth = register.getSingleMetric('quire_viewing_queue_depth') as Gauge<'size_class'>;
    once('quire_viewing_conversions', () =>
      new Gauge({
        name: 'quire_viewing_conversions',
        help: 'Office conversions done by this replica',
        collect() {
          this.set(self.service.stats.conversions);
        },
      }),
    );
    once('quire_viewing_pool_size', () =>
      new Gauge({
        name: 'quire_viewing_pool_size',
        help: 'LibreOffice workers of this replica',
        collect() {
          this.set(self.pool?.size ?? 0);
        },
      }),
    );
    // Queue depth asks JetStream: refreshed in the background, not on the scrape's path.
    this.timer = setInterval(() => {
      this.queue
        .depth()
        .then((value) => {
          this.depth = value;
          for (const [sizeClass, count] of Object.entries(value)) depth.set({ size_class: sizeClass }, count);
        })
        .catch(() => undefined);
    }, 5_000);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
