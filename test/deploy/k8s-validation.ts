import { Deployment } from 'kubernetes-models/apps/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { Ingress } from 'kubernetes-models/networking.k8s.io/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { ConfigMap, Namespace, Secret, Service } from 'kubernetes-models/v1';

/** What a kubernetes-models class offers that we need: its type meta and its schema validator. */
interface KubernetesModel {
  apiVersion: string;
  kind: string;
  prototype: { validate(): void };
}

/**
 * Every kind the manifests may contain. A kind missing here fails validation on purpose: add its
 * model rather than let an object through unchecked.
 */
const MODELS: KubernetesModel[] = [Deployment, Service, HorizontalPodAutoscaler, PodDisruptionBudget, ConfigMap, Secret, Ingress, Namespace];

export interface KubernetesObject {
  apiVersion?: unknown;
  kind?: unknown;
  [field: string]: unknown;
}

function modelOf(object: KubernetesObject): KubernetesModel | undefined {
  return MODELS.find((model) => model.apiVersion === object.apiVersion && model.kind === object.kind);
}

/**
 * Wraps a value so that every property the validator looks at is recorded. kubernetes-models'
 * validators are compiled JSON schemas (ajv standalone code) that read each property their schema
 * declares and iterate the keys only of free-form maps (labels, data, resource lists); a property
 * nobody reads is one the schema does not know.
 */
function recordReads(value: unknown, reads: WeakMap<object, Set<string>>): unknown {
  if (value === null || typeof value !== 'object') return value;
  const note = (target: object, key: string | symbol) => {
    if (typeof key !== 'string') return;
    let keys = reads.get(target);
    if (!keys) reads.set(target, (keys = new Set()));
    keys.add(key);
  };
  return new Proxy(value, {
    get(target, key, receiver) {
      note(target, key);
      return recordReads(Reflect.get(target, key, receiver), reads);
    },
    has(target, key) {
      note(target, key);
      return Reflect.has(target, key);
    },
    getOwnPropertyDescriptor(target, key) {
      note(target, key);
      return Reflect.getOwnPropertyDescriptor(target, key);
    },
  });
}

function unreadFields(value: unknown, reads: WeakMap<object, Set<string>>, path: string, found: string[]): string[] {
  if (Array.isArray(value)) {
    value.forEach((item, index) => unreadFields(item, reads, `${path}/${index}`, found));
  } else if (value !== null && typeof value === 'object') {
    const read = reads.get(value) ?? new Set<string>();
    for (const [key, child] of Object.entries(value)) {
      if (read.has(key)) unreadFields(child, reads, `${path}/${key}`, found);
      else found.push(`${path}/${key}`);
    }
  }
  return found;
}

/**
 * Validates one object against the Kubernetes schema of its kind, as the API server would with
 * strict field validation: schema errors, and every field the schema does not declare. Returns the
 * problems (empty when the object is valid).
 */
export function validateStrictly(object: KubernetesObject): string[] {
  const model = modelOf(object);
  if (!model) return [`no schema registered for ${String(object.apiVersion)} ${String(object.kind)}`];
  const reads = new WeakMap<object, Set<string>>();
  try {
    model.prototype.validate.call(recordReads(object, reads));
  } catch (error) {
    return [`schema: ${error instanceof Error ? error.message : String(error)}`];
  }
  return unreadFields(object, reads, '', []).map((path) => `unknown field ${path}`);
}
