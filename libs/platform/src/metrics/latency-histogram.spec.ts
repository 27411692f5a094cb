import { Histogram, Registry } from 'prom-client';
import { LatencyHistogram } from './latency-histogram';

/** Exposition lines with their labels sorted: label order carries no meaning in Prometheus. */
function normalised(text: string): string[] {
  return text
    .trim()
    .split('\n')
    .map((line) => {
      const match = /^(\w+)\{(.*)\} (\S+)$/.exec(line);
      if (!match) return line;
      const labels = match[2]!.match(/\w+="(?:[^"\\]|\\.)*"/g)!.sort();
      return `${match[1]}{${labels.join(',')}} ${match[3]}`;
    })
    .sort();
}

describe('LatencyHistogram', () => {
  const buckets = [0.001, 0.01, 0.1, 1];
  const observations: Array<[string, string, number]> = [
    ['GET', '200', 0.0005],
    ['GET', '200', 0.001],
    ['GET', '200', 0.05],
    ['POST', '4"0\\4\n', 3],
    ['GET', '200', 0.2],
  ];

  it("is exposed exactly as prom-client's own Histogram with the same observations", async () => {
    const ours = new Registry();
    const theirs = new Registry();
    ours.setDefaultLabels({ app: 'gateway' });
    theirs.setDefaultLabels({ app: 'gateway' });
    const fast = new LatencyHistogram('x_seconds', 'help text', ['method', 'status'], buckets, ours);
    const reference = new Histogram({ name: 'x_seconds', help: 'help text', labelNames: ['method', 'status'], buckets, registers: [theirs] });
    for (const [method, status, seconds] of observations) {
      fast.observe([method, status], seconds);
      reference.observe({ method, status }, seconds);
    }
    const text = await ours.metrics();
    expect(normalised(text)).toEqual(normalised(await theirs.metrics()));
    expect(normalised(text)).toContain('x_seconds_bucket{app="gateway",le="0.001",method="GET",status="200"} 2');
    expect(normalised(text)).toContain('x_seconds_count{app="gateway",method="GET",status="200"} 4');
    expect(normalised(text)).toContain('x_seconds_bucket{app="gateway",le="+Inf",method="POST",status="4\\"0\\\\4\\n"} 1');
  });

  it('ignores values that are not durations and refuses a wrong label count', () => {
    const registry = new Registry();
    const fast = new LatencyHistogram('y_seconds', 'help', ['a', 'b'], buckets, registry);
    fast.observe(['1', '2'], Number.NaN);
    fast.observe(['1', '2'], -1);
    fast.observe(['1', '2'], Number.POSITIVE_INFINITY);
    expect(fast.get().values).toEqual([]);
    expect(() => fast.observe(['1'], 0.1)).toThrow(/expected 2 label values/);
  });

  it('refuses buckets that are not increasing', () => {
    expect(() => new LatencyHistogram('z_seconds', 'help', ['a'], [1, 0.5], new Registry())).toThrow(/increasing/);
  });

  it('starts again after reset', () => {
    const fast = new LatencyHistogram('r_seconds', 'help', ['a'], buckets, new Registry());
    fast.observe(['x'], 0.1);
    fast.reset();
    expect(fast.get().values).toEqual([]);
  });
});
