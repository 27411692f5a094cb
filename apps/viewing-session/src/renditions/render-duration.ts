import { Histogram, Metric, register } from 'prom-client';

export function once<T extends Metric>(name: string, make: () => T): T {
  return (register.getSingleMetric(name) as T | undefined) ?? make();
}

/** Page render time (seconds), observed by RenditionsService. */
export function renderDuration(): Histogram<'type'> {
  return once(
    'quire_viewing_render_duration_seconds',
    () =>
      new Histogram({
        name: 'quire_viewing_render_duration_seconds',
        help: 'Page image renders by type',
        labelNames: ['type'],
        buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      }),
  );
}
