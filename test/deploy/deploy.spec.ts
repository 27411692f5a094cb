import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { IDeployment } from 'kubernetes-models/apps/v1';
import type { IHorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import type { IIngress } from 'kubernetes-models/networking.k8s.io/v1';
import type { IPodDisruptionBudget } from 'kubernetes-models/policy/v1';
import type { IConfigMap, IContainer, ISecret, IService } from 'kubernetes-models/v1';
import { parse, parseAllDocuments } from 'yaml';
import { ServiceNames } from '@quire/contracts';
import { CommonEnv, envKeys, loadEnv } from '@quire/platform';
import { DocumentRepositoryEnv } from '../../apps/document-repository/src/document-repository.env';
import { EditSessionEnv } from '../../apps/edit-session/src/edit-session.env';
import { FileEnv } from '../../apps/file/src/file.env';
import { GatewayEnv } from '../../apps/gateway/src/gateway.env';
import { IdentityEnv } from '../../apps/identity/src/identity.env';
import { ViewingSessionEnv } from '../../apps/viewing-session/src/viewing-session.env';
import { KubernetesObject, validateStrictly } from './k8s-validation';

/**
 * The deploy artefacts (docker/, k8s/) checked without Docker or a cluster: the compose file and
 * Dockerfile by reading them, the kustomize overlays by rendering them with `kubectl kustomize`
 * and validating every object against the Kubernetes schemas, unknown fields included.
 */

const root = resolve(__dirname, '../..');
const read = (path: string) => readFileSync(join(root, path), 'utf8');

type AppName = 'gateway' | (typeof ServiceNames)[number];
const APPS: AppName[] = ['gateway', ...ServiceNames];
const PORTS: Record<AppName, number> = {
  gateway: 3000,
  identity: 3101,
  'edit-session': 3102,
  file: 3103,
  'document-repository': 3104,
  'viewing-session': 3105,
};
const ENV_CLASSES: Record<AppName, new () => CommonEnv> = {
  gateway: GatewayEnv,
  identity: IdentityEnv,
  'edit-session': EditSessionEnv,
  file: FileEnv,
  'document-repository': DocumentRepositoryEnv,
  'viewing-session': ViewingSessionEnv,
};
/** What each app talks to (identity keeps no files; only the gateway counts requests in Redis). */
const USES: Record<AppName, string[]> = {
  gateway: ['nats', 'minio', 'redis'],
  identity: ['postgres', 'nats'],
  'edit-session': ['postgres', 'nats', 'minio'],
  file: ['postgres', 'nats', 'minio'],
  'document-repository': ['postgres', 'nats', 'minio'],
  'viewing-session': ['postgres', 'nats', 'minio'],
};
/** Variables an app is given before its settings class declares them (identity will sign JWTs). */
const PLANNED: Partial<Record<AppName, string[]>> = { identity: ['JWT_SECRET'] };
const TEST_JWT = 'a-test-secret-that-is-long-enough-for-hs256';

function declared(app: AppName): string[] {
  return [...envKeys(ENV_CLASSES[app]), ...(PLANNED[app] ?? [])];
}

describe('docker/compose.yml', () => {
  interface ComposeService {
    image?: string;
    build?: { context: string; dockerfile: string; args: Record<string, string> };
    environment?: Record<string, string | number | boolean | null>;
    healthcheck?: { test: string[] };
    depends_on?: Record<string, { condition: string }>;
    ports?: string[];
    volumes?: string[];
    command?: string[];
  }
  const compose = parse(read('docker/compose.yml'), { merge: true }) as { services: Record<string, ComposeService> };
  const services = compose.services;

  /** Compose's own `${VAR}`, `${VAR:-default}`, `${VAR:?error}` and `$$` rules. */
  function interpolate(value: string, vars: Record<string, string>): string {
    return value.replace(/\$\$|\$\{([A-Z0-9_]+)(?:(:?[-?])([^}]*))?\}/g, (match, name?: string, op?: string, arg?: string) => {
      if (match === '$$') return '$';
      const given = vars[name!];
      const unset = given === undefined || (op?.startsWith(':') === true && given === '');
      if (op?.endsWith('-')) return unset ? arg! : given!;
      if (op?.endsWith('?') && unset) throw new Error(`compose refuses to start: ${name}: ${arg}`);
      return given ?? '';
    });
  }
  function environmentOf(app: AppName, vars: Record<string, string>): Record<string, string> {
    return Object.fromEntries(
      Object.entries(services[app].environment ?? {}).map(([key, value]) => [key, interpolate(String(value ?? ''), vars)]),
    );
  }

  it('runs every app and every dependency, and the bucket job', () => {
    expect(Object.keys(services).sort()).toEqual([...APPS, 'postgres', 'nats', 'minio', 'minio-init', 'redis'].sort());
    expect(services.postgres.image).toBe('postgres:15');
    expect(services.postgres.environment?.POSTGRES_DB).toBe('quire');
    expect(services.nats.image).toMatch(/^nats:2\.10(-|$)/);
    expect(services.nats.command).toContain('-js');
    expect(services.redis.image).toBe('redis:7');
    expect(services.minio.image).toMatch(/^minio\/minio(:|$)/);
    expect(services['minio-init'].image).toMatch(/^minio\/mc(:|$)/);
    for (const dependency of ['postgres', 'nats', 'minio', 'redis']) expect(services[dependency].healthcheck?.test.length).toBeGreaterThan(1);
  });

  it('creates bucket quire with a lifecycle rule that aborts incomplete multipart uploads after a day', () => {
    const job = services['minio-init'];
    const script = (job.command ?? []).join('\n');
    expect(job.depends_on?.minio?.condition).toBe('service_healthy');
    expect(script).toMatch(/mc mb --ignore-existing \S+\/quire\b/);
    expect(script).toMatch(/mc ilm rule import \S+\/quire < \/config\/lifecycle\.json/);
    const mount = (job.volumes ?? []).find((volume) => volume.split(':')[1] === '/config/lifecycle.json');
    expect(mount).toBeDefined();
    const lifecycle = JSON.parse(read(join('docker', mount!.split(':')[0]))) as {
      Rules: { Status: string; Filter: { Prefix: string }; Expiration?: { Days: number }; AbortIncompleteMultipartUpload?: { DaysAfterInitiation: number } }[];
    };
    const rule = lifecycle.Rules.find((r) => r.AbortIncompleteMultipartUpload);
    expect(rule).toMatchObject({ Status: 'Enabled', AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 } });
    // MinIO rejects a rule without an expiration or transition, and ignores the abort action:
    // the rule also expires the staging area, and MinIO's own stale-upload expiry aborts uploads.
    expect(rule?.Expiration?.Days).toBeGreaterThan(0);
    expect(rule?.Filter.Prefix).toBe('staging/');
    expect(services.minio.environment?.MINIO_API_STALE_UPLOADS_EXPIRY).toBe('24h');
  });

  it.each(APPS)('%s is built from docker/Dockerfile with its APP and port', (app) => {
    const build = services[app].build!;
    expect(resolve(root, 'docker', build.context, build.dockerfile)).toBe(join(root, 'docker/Dockerfile'));
    expect(build.args).toEqual({ APP: app, HTTP_PORT: String(PORTS[app]) });
  });

  it.each(APPS)('%s has a readiness healthcheck on its own port', (app) => {
    const test = services[app].healthcheck?.test ?? [];
    expect(test[0]).toBe('CMD');
    expect(test.join(' ')).toContain(`fetch('http://127.0.0.1:${PORTS[app]}/health/ready')`);
  });

  it.each(APPS)('%s waits for what it uses to be healthy', (app) => {
    const dependsOn = services[app].depends_on ?? {};
    for (const dependency of USES[app]) expect(dependsOn[dependency]?.condition).toBe('service_healthy');
    if (USES[app].includes('minio')) expect(dependsOn['minio-init']?.condition).toBe('service_completed_successfully');
    const unused = ['postgres', 'nats', 'minio', 'redis'].filter((d) => !USES[app].includes(d));
    for (const dependency of unused) expect(dependsOn[dependency]).toBeUndefined();
  });

  it('starts the gateway after every service is healthy', () => {
    for (const service of ServiceNames) expect(services.gateway.depends_on?.[service]?.condition).toBe('service_healthy');
  });

  it('publishes the gateway on 3000, and MinIO on the host loopback only (presigned URLs)', () => {
    const publishing = Object.entries(services).filter(([, service]) => service.ports?.length);
    expect(publishing.map(([name]) => name).sort()).toEqual(['gateway', 'minio']);
    expect(services.gateway.ports).toEqual(['3000:3000']);
    expect(services.minio.ports).toEqual(['127.0.0.1:9000:9000']);
    expect(interpolate(String(services.gateway.environment?.['S3_PUBLIC_ENDPOINT']), {})).toBe('http://localhost:9000');
  });

  it.each(APPS)('%s gets settings its env class accepts, pointing at the compose services', (app) => {
    const env = environmentOf(app, { JWT_SECRET: TEST_JWT, FILE_LINK_SECRET: TEST_JWT });
    expect(Object.keys(env).filter((key) => !declared(app).includes(key))).toEqual([]);
    const settings = loadEnv(ENV_CLASSES[app], env) as CommonEnv & { DATABASE_URL?: string; REDIS_URL?: string };
    expect(settings.HTTP_PORT).toBe(PORTS[app]);
    expect(settings.HTTP_HOST).toBe('0.0.0.0');
    expect(settings.NATS_URL).toBe('nats://nats:4222');
    expect(settings.NATS_SUBJECT_PREFIX).toBe('');
    expect(settings.S3_ENDPOINT).toBe('http://minio:9000');
    expect(settings.S3_BUCKET).toBe('quire');
    if (USES[app].includes('postgres')) expect(new URL(settings.DATABASE_URL!).host).toBe('postgres:5432');
    if (USES[app].includes('redis')) expect(settings.REDIS_URL).toBe('redis://redis:6379');
  });

  it('refuses to start the gateway without JWT_SECRET', () => {
    expect(() => environmentOf('gateway', {})).toThrow(/JWT_SECRET/);
  });

  it('refuses to start the file service without FILE_LINK_SECRET', () => {
    expect(() => environmentOf('file', {})).toThrow(/FILE_LINK_SECRET/);
  });
});

describe('docker/Dockerfile', () => {
  // One instruction per entry: continuation lines joined, comments dropped.
  const instructions = read('docker/Dockerfile')
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'));
  const stageStarts = instructions.flatMap((line, index) => (/^FROM /i.test(line) ? [index] : []));
  const finalStage = instructions.slice(stageStarts[stageStarts.length - 1]);
  const buildStage = instructions.slice(stageStarts[0], stageStarts[1]);

  it('is multi-stage on node:20-bookworm-slim', () => {
    expect(stageStarts.length).toBeGreaterThanOrEqual(2);
    expect(instructions).toContain('ARG NODE_IMAGE=node:20-bookworm-slim');
    expect(instructions[stageStarts[0]]).toMatch(/^FROM \$\{NODE_IMAGE\} AS build$/);
    expect(finalStage[0]).toMatch(/^FROM \$\{NODE_IMAGE\} AS \w+$/);
  });

  it('compiles everything in the build stage', () => {
    expect(buildStage).toContain('RUN npm ci --no-audit --no-fund');
    expect(buildStage).toContain('RUN node scripts/build.js');
  });

  it('installs production dependencies only in the final stage and copies the compiled app', () => {
    expect(finalStage.some((line) => /^RUN npm ci .*--omit=dev/.test(line))).toBe(true);
    expect(finalStage).toContain('COPY --from=build /app/dist/apps/${APP} ./dist/apps/${APP}');
    // The gateway's image fails to build without the browser viewer's assets.
    expect(finalStage.some((line) => line.startsWith('RUN ') && line.includes('test -f dist/apps/gateway/viewer/index.html'))).toBe(true);
    expect(finalStage.join('\n')).not.toMatch(/npm (ci|install)(?!.*--omit=dev)/);
  });

  it('takes APP as a build argument, keeps it for run time and starts that app', () => {
    expect(finalStage).toContain('ARG APP');
    expect(finalStage.some((line) => /^ENV .*\bAPP=\$\{APP\}/.test(line))).toBe(true);
    const cmd = finalStage.filter((line) => line.startsWith('CMD '));
    expect(cmd).toHaveLength(1);
    expect(JSON.parse(cmd[0].slice(4))).toEqual(['sh', '-c', 'exec node dist/apps/${APP}/src/main.js']);
    for (const app of APPS) expect(finalStage.join('\n')).toContain(`${app}:${PORTS[app]}`);
    expect(finalStage).toContain('EXPOSE ${HTTP_PORT}');
  });

  it('runs as the non-root user 10001', () => {
    const users = finalStage.filter((line) => line.startsWith('USER '));
    expect(users).toEqual(['USER 10001:10001']);
    // USER is the last identity switch: nothing after it goes back to root.
    expect(finalStage.indexOf(users[0])).toBeGreaterThan(finalStage.findIndex((line) => line.includes('npm ci')));
  });

  it('copies only sources that exist and that .dockerignore lets through', () => {
    const ignored = read('.dockerignore')
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line && !line.startsWith('#'));
    for (const entry of ['node_modules', 'dist', '.git', 'tmp', 'coverage']) expect(ignored).toContain(entry);
    const sources = buildStage
      .filter((line) => line.startsWith('COPY ') && !line.includes('--from='))
      .flatMap((line) => line.split(/\s+/).slice(1, -1));
    expect(sources).toEqual(expect.arrayContaining(['package.json', 'package-lock.json', 'scripts', 'libs', 'apps']));
    for (const source of sources) {
      expect(existsSync(join(root, source))).toBe(true);
      expect(ignored).not.toContain(source);
    }
  });
});

describe('k8s/', () => {
  const KUBECTL = process.env.KUBECTL ?? 'kubectl';
  const overlays = readdirSync(join(root, 'k8s/overlays')).sort();
  const rendered = new Map<string, KubernetesObject[]>();

  function render(dir: string): KubernetesObject[] {
    const output = execFileSync(KUBECTL, ['kustomize', join(root, dir)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    return parseAllDocuments(output)
      .map((doc) => doc.toJS() as KubernetesObject | null)
      .filter((object): object is KubernetesObject => object !== null);
  }

  beforeAll(() => {
    try {
      execFileSync(KUBECTL, ['version', '--client'], { stdio: 'ignore' });
    } catch {
      throw new Error(
        `'${KUBECTL}' is needed to render the kustomize overlays: install Debian's kubernetes-client ` +
          `(apt-get install kubernetes-client) or point KUBECTL at a kubectl binary.`,
      );
    }
    for (const dir of ['base', ...overlays.map((overlay) => `overlays/${overlay}`)]) rendered.set(dir, render(`k8s/${dir}`));
  });

  const objects = (dir: string) => rendered.get(dir)!;
  const find = <T>(dir: string, kind: string, name: string) =>
    objects(dir).find((object) => object.kind === kind && (object.metadata as { name?: string } | undefined)?.name === name) as T | undefined;
  const containerOf = (deployment: IDeployment): IContainer => deployment.spec!.template.spec!.containers[0];
  const secretExample = parse(read('k8s/base/secret.example.yaml')) as ISecret;

  it('has the dev and prod overlays', () => {
    expect(overlays).toEqual(['dev', 'prod']);
  });

  it('renders every object valid against the Kubernetes schemas, with no unknown field', () => {
    for (const [dir, list] of rendered) {
      expect(list.length).toBeGreaterThan(0);
      const problems = list.flatMap((object) =>
        validateStrictly(object).map((problem) => `${dir}: ${String(object.kind)} ${JSON.stringify(object.metadata)}: ${problem}`),
      );
      expect(problems).toEqual([]);
    }
  });

  it('the unknown-field check rejects what the schema does not declare, and only that', () => {
    const deployment = structuredClone(find<IDeployment>('overlays/dev', 'Deployment', 'gateway')) as unknown as KubernetesObject;
    expect(validateStrictly(deployment)).toEqual([]);
    const broken = structuredClone(deployment) as unknown as IDeployment & { spec: { replica?: number } };
    broken.spec.replica = 2;
    Object.assign(containerOf(broken).readinessProbe!.httpGet!, { paht: '/health/ready' });
    Object.assign(broken.spec.template.spec!, { securityContex: { runAsNonRoot: true } });
    broken.metadata!.labels = { ...broken.metadata!.labels, 'any-label': 'is fine' };
    expect(validateStrictly(broken as unknown as KubernetesObject).sort()).toEqual([
      'unknown field /spec/replica',
      'unknown field /spec/template/spec/containers/0/readinessProbe/httpGet/paht',
      'unknown field /spec/template/spec/securityContex',
    ]);
    // Wrong types and unregistered kinds are rejected as well.
    expect(validateStrictly({ ...deployment, spec: { ...(deployment.spec as object), revisionHistoryLimit: 'five' } })[0]).toMatch(/^schema: .*revisionHistoryLimit/);
    expect(validateStrictly({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'x' } })).toEqual(['no schema registered for v1 Pod']);
  });

  it('the Secret template is valid and holds every secret the apps read', () => {
    expect(validateStrictly(secretExample as unknown as KubernetesObject)).toEqual([]);
    expect(secretExample.metadata?.name).toBe('quire-secrets');
    expect(Object.keys(secretExample.stringData ?? {}).sort()).toEqual(
      ['DATABASE_URL', 'FILE_LINK_SECRET', 'IDENTITY_BOOTSTRAP_ADMIN_PASSWORD', 'JWT_SECRET', 'REDIS_URL', 'S3_ACCESS_KEY_ID', 'S3_SECRET_ACCESS_KEY'].sort(),
    );
    for (const value of Object.values(secretExample.stringData ?? {})) expect(value).toMatch(/CHANGE-ME/);
    for (const dir of rendered.keys()) expect(objects(dir).filter((object) => object.kind === 'Secret')).toEqual([]);
  });

  describe.each(['base', 'overlays/dev', 'overlays/prod'])('%s', (dir) => {
    it.each(APPS)('%s has a Deployment, Service, HPA and PDB that fit together', (app) => {
      const deployment = find<IDeployment>(dir, 'Deployment', app)!;
      const service = find<IService>(dir, 'Service', app)!;
      const hpa = find<IHorizontalPodAutoscaler>(dir, 'HorizontalPodAutoscaler', app)!;
      const pdb = find<IPodDisruptionBudget>(dir, 'PodDisruptionBudget', app)!;
      expect([deployment, service, hpa, pdb].every(Boolean)).toBe(true);
      const podLabels = deployment.spec!.template.metadata!.labels!;
      expect(deployment.spec!.selector.matchLabels).toEqual(podLabels);
      expect(service.spec!.selector).toEqual(podLabels);
      expect(pdb.spec!.selector!.matchLabels).toEqual(podLabels);
      expect(service.spec!.ports).toEqual([{ name: 'http', port: PORTS[app], targetPort: 'http' }]);
      expect(hpa.spec!.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: app });
      expect(hpa.spec!.minReplicas!).toBeLessThanOrEqual(hpa.spec!.maxReplicas);
      // The HPA owns the replica count; a fixed one would be reset on every apply.
      expect(deployment.spec!.replicas).toBeUndefined();
    });

    it.each(APPS)('%s runs hardened, with probes, resources and /tmp', (app) => {
      const deployment = find<IDeployment>(dir, 'Deployment', app)!;
      const pod = deployment.spec!.template.spec!;
      const container = containerOf(deployment);
      expect(pod.containers).toHaveLength(1);
      // /metrics has a port of its own, scraped by pod annotations; the Service exposes http only.
      expect(container.ports).toEqual([
        { name: 'http', containerPort: PORTS[app] },
        { name: 'metrics', containerPort: 9464 },
      ]);
      expect(deployment.spec!.template.metadata!.annotations).toEqual({ 'prometheus.io/scrape': 'true', 'prometheus.io/port': '9464', 'prometheus.io/path': '/metrics' });
      expect(container.livenessProbe?.httpGet).toEqual({ path: '/health/live', port: 'http' });
      expect(container.readinessProbe?.httpGet).toEqual({ path: '/health/ready', port: 'http' });
      for (const kind of ['requests', 'limits'] as const) {
        expect(container.resources?.[kind]?.cpu).toBeDefined();
        expect(container.resources?.[kind]?.memory).toBeDefined();
      }
      expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 10001 });
      expect(container.securityContext).toMatchObject({
        runAsNonRoot: true,
        runAsUser: 10001,
        readOnlyRootFilesystem: true,
        allowPrivilegeEscalation: false,
        capabilities: { drop: ['ALL'] },
      });
      const tmp = container.volumeMounts?.find((mount) => mount.mountPath === '/tmp');
      expect(pod.volumes?.find((volume) => volume.name === tmp?.name)?.emptyDir).toBeDefined();
      // SIGTERM comes after preStop; the app then drains for up to SHUTDOWN_TIMEOUT_MS (+5 s).
      const preStopSeconds = Number(container.lifecycle?.preStop?.exec?.command?.[1] ?? 0);
      const config = objects(dir).find((object) => object.kind === 'ConfigMap') as IConfigMap;
      const shutdownSeconds = Number(config.data!.SHUTDOWN_TIMEOUT_MS) / 1000;
      expect(pod.terminationGracePeriodSeconds!).toBeGreaterThan(preStopSeconds + shutdownSeconds + 5);
    });

    it.each(APPS)('%s gets settings its env class accepts from the ConfigMap, the Secret and its own env', (app) => {
      const container = containerOf(find<IDeployment>(dir, 'Deployment', app)!);
      const configMaps = (container.envFrom ?? []).flatMap((source) => (source.configMapRef ? [source.configMapRef.name] : []));
      const secrets = (container.envFrom ?? []).flatMap((source) => (source.secretRef ? [source.secretRef.name] : []));
      expect(secrets).toEqual(['quire-secrets']);
      expect(configMaps).toHaveLength(1);
      const config = find<IConfigMap>(dir, 'ConfigMap', configMaps[0]!);
      expect(config).toBeDefined();
      const own = Object.fromEntries((container.env ?? []).map((variable) => [variable.name, variable.value ?? '']));
      const env = { ...config!.data, ...secretExample.stringData, ...own };
      const settings = loadEnv(ENV_CLASSES[app], env);
      expect(settings.HTTP_PORT).toBe(PORTS[app]);
      expect(settings.NATS_SUBJECT_PREFIX).toBe('');
    });

    it('gives no variable that no app declares', () => {
      const config = objects(dir).find((object) => object.kind === 'ConfigMap') as IConfigMap;
      const known = new Set(APPS.flatMap(declared));
      const keys = [...Object.keys(config.data ?? {}), ...Object.keys(secretExample.stringData ?? {})];
      expect(keys.filter((key) => !known.has(key))).toEqual([]);
    });

    it('exposes only the gateway, with WebSocket and large uploads on ingress-nginx', () => {
      const ingresses = objects(dir).filter((object) => object.kind === 'Ingress') as unknown as IIngress[];
      const backends = ingresses.flatMap((ingress) =>
        (ingress.spec?.rules ?? []).flatMap((rule) => (rule.http?.paths ?? []).map((path) => ({ ingress, path }))),
      );
      expect(backends.map(({ path }) => path.backend.service?.name)).toEqual(backends.map(() => 'gateway'));
      const ws = backends.find(({ path }) => path.path === '/ws');
      const main = backends.find(({ path }) => path.path === '/');
      const wsAnnotations = ws?.ingress.metadata?.annotations ?? {};
      const mainAnnotations = main?.ingress.metadata?.annotations ?? {};
      expect(Number(wsAnnotations['nginx.ingress.kubernetes.io/proxy-read-timeout'])).toBeGreaterThanOrEqual(3600);
      expect(Number(wsAnnotations['nginx.ingress.kubernetes.io/proxy-send-timeout'])).toBeGreaterThanOrEqual(3600);
      expect(wsAnnotations['nginx.ingress.kubernetes.io/proxy-http-version']).toBe('1.1');
      expect(mainAnnotations).toMatchObject({
        'nginx.ingress.kubernetes.io/proxy-body-size': '200m',
        'nginx.ingress.kubernetes.io/proxy-request-buffering': 'off',
      });
      expect(Number(mainAnnotations['nginx.ingress.kubernetes.io/proxy-read-timeout'])).toBeGreaterThan(60);
      const services = objects(dir).filter((object) => object.kind === 'Service') as unknown as IService[];
      expect(services.every((service) => (service.spec?.type ?? 'ClusterIP') === 'ClusterIP')).toBe(true);
    });
  });

  /** CPU in millicores, memory in bytes. */
  function quantity(value: string | number | undefined): number {
    const match = /^([0-9.]+)(m|Ki|Mi|Gi)?$/.exec(String(value));
    if (!match) throw new Error(`unexpected quantity ${String(value)}`);
    const units: Record<string, number> = { '': 1000, m: 1, Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3 };
    const unit = match[2] ?? '';
    // A bare number is cores for CPU (x1000 -> millicores); memory here always has a unit.
    return Number(match[1]) * units[unit];
  }

  it.each(APPS)('overlays: dev runs one %s, prod more, on bigger resources and pinned image tags', (app) => {
    const hpa = (dir: string) => find<IHorizontalPodAutoscaler>(dir, 'HorizontalPodAutoscaler', app)!.spec!;
    const container = (dir: string) => containerOf(find<IDeployment>(dir, 'Deployment', app)!);
    expect(hpa('overlays/dev')).toMatchObject({ minReplicas: 1, maxReplicas: 1 });
    expect(hpa('overlays/prod').minReplicas!).toBeGreaterThan(hpa('base').minReplicas!);
    expect(hpa('overlays/prod').maxReplicas).toBeGreaterThan(hpa('base').maxReplicas);
    for (const kind of ['requests', 'limits'] as const) {
      for (const resource of ['cpu', 'memory']) {
        const prod = quantity(container('overlays/prod').resources![kind]![resource]);
        expect(prod).toBeGreaterThan(quantity(container('overlays/dev').resources![kind]![resource]));
      }
    }
    expect(container('overlays/dev').image).toBe(`quire/${app}:dev`);
    expect(container('overlays/prod').image).toMatch(new RegExp(`/quire/${app}:\\d+\\.\\d+\\.\\d+$`));
  });

  it('overlays put everything in their own namespace', () => {
    for (const [overlay, namespace] of [
      ['overlays/dev', 'quire-dev'],
      ['overlays/prod', 'quire'],
    ]) {
      const list = objects(overlay);
      expect(find(overlay, 'Namespace', namespace)).toBeDefined();
      const namespaced = list.filter((object) => object.kind !== 'Namespace');
      expect(namespaced.map((object) => (object.metadata as { namespace?: string }).namespace)).toEqual(namespaced.map(() => namespace));
    }
  });
});
