import { register, Registry } from 'prom-client';

interface Series {
  readonly labels: Readonly<Record<string, string>>;
  /** Count per bucket (not cumulative), the last one for values above every bound (+Inf). */
  readonly counts: Float64Array;
  sum: number;
}

interface MetricValue {
  labels: Record<string, string | number>;
  value: number;
  metricName: string;
}

/**
 * A Prometheus histogram for the per-request hot path, registered in prom-client's default
 * registry and exposed exactly like prom-client's own (`_bucket` cumulative with `le`, `_sum`,
 * `_count`). prom-client's `Histogram.observe` validates the label names and hashes a sorted copy
 * of the label object on every call: a fifth of the gateway's CPU for a hello (ADR 008). Here the
 * caller passes the label values in `labelNames` order and a series is found by one string key;
 * validation happens once, when a series is created.
 */
export class LatencyHistogram<L extends string> {
  readonly type = 'histogram';
  readonly aggregator = 'sum';
  private readonly series = new Map<string, Series>();
  private readonly bounds: Float64Array;

  constructor(
    readonly name: string,
    readonly help: string,
    private readonly labelNames: readonly L[],
    buckets: readonly number[],
    registry: Registry = register,
  ) {
    if (!buckets.length || buckets.some((b, i) => !Number.isFinite(b) || (i > 0 && b <= buckets[i - 1]!))) {
      throw new Error(`${name}: buckets must be finite and increasing`);
    }
    this.bounds = Float64Array.from(buckets);
    registry.registerMetric(this as never);
  }

  /** Records one value (seconds); `values` are the label values in `labelNames` order. */
  observe(values: readonly string[], seconds: number): void {
    if (!(seconds >= 0) || seconds === Infinity) return;
    const key = values.length === 1 ? values[0]! : values.join('\u0000');
    let series = this.series.get(key);
    if (!series) series = this.createSeries(key, values);
    const bounds = this.bounds;
    let i = 0;
    while (i < bounds.length && seconds > bounds[i]!) i++;
    series.counts[i]!++;
    series.sum += seconds;
  }

  /** prom-client's registry calls this on a scrape. */
  get(): { name: string; help: string; type: string; aggregator: string; values: MetricValue[] } {
    const values: MetricValue[] = [];
    for (const { labels, counts, sum } of this.series.values()) {
      let cumulative = 0;
      for (let i = 0; i < counts.length; i++) {
        cumulative += counts[i]!;
        const le = i < this.bounds.length ? this.bounds[i]! : '+Inf';
        values.push({ labels: { ...labels, le }, value: cumulative, metricName: `${this.name}_bucket` });
      }
      values.push({ labels: { ...labels }, value: sum, metricName: `${this.name}_sum` });
      values.push({ labels: { ...labels }, value: cumulative, metricName: `${this.name}_count` });
    }
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values };
  }

  reset(): void {
    this.series.clear();
  }

  private createSeries(key: string, values: readonly string[]): Series {
    if (values.length !== this.labelNames.length) {
      throw new Error(`${this.name}: expected ${this.labelNames.length} label values, got ${values.length}`);
    }
    const labels: Record<string, string> = {};
    this.labelNames.forEach((name, i) => (labels[name] = String(values[i])));
    const series: Series = { labels, counts: new Float64Array(this.bounds.length + 1), sum: 0 };
    this.series.set(key, series);
    return series;
  }
}
