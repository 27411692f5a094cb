import { BlockList, isIP } from 'node:net';
import { IsString, ValidateBy, ValidationOptions } from 'class-validator';
import { IntEnv, loadEnv } from '../config/env';
import { classifyAddress } from './address-ranges';

/**
 * Names that always mean "inside": the cloud metadata endpoints, and suffixes reserved for local
 * use. A single-label name (`intranet`, `metadata`) is also refused: the resolver's search list
 * would complete it to an internal host. Allow-listed hosts bypass this.
 */
const internalNames = /(^|\.)(localhost|local|internal|intranet|home\.arpa|localdomain)$|^metadata\.goog$|^instance-data(\.ec2\.internal)?$/;

const hostPattern = /^(\*\.)?([a-z0-9_]([a-z0-9_-]*[a-z0-9_])?)(\.[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?)*$/;

/** Operator-trusted hosts and networks (intranet document servers) that bypass the address rules. */
export class OutboundAllowList {
  private readonly hosts = new Set<string>();
  private readonly suffixes: string[] = [];
  private readonly networks = new BlockList();

  /** Comma- or space-separated: `docs.corp.example`, `*.corp.example`, `10.20.0.5`, `10.20.0.0/16`, `fd12::/16`. */
  static parse(text: string): OutboundAllowList {
    const list = new OutboundAllowList();
    for (const entry of text.split(/[\s,]+/).filter(Boolean)) {
      const problem = list.add(entry);
      if (problem) throw new Error(`${entry}: ${problem}`);
    }
    return list;
  }

  /** Returns why the entry is not valid, or undefined when it was added. */
  private add(raw: string): string | undefined {
    const entry = raw.toLowerCase().replace(/[[\]]/g, '');
    const cidr = /^([^/]+)\/(\d{1,3})$/.exec(entry);
    if (cidr) {
      const family = isIP(cidr[1]);
      const bits = Number(cidr[2]);
      if (!family || bits > (family === 4 ? 32 : 128)) return 'not a valid CIDR';
      this.networks.addSubnet(cidr[1], bits, family === 4 ? 'ipv4' : 'ipv6');
      return undefined;
    }
    const family = isIP(entry);
    if (family) {
      this.networks.addAddress(entry, family === 4 ? 'ipv4' : 'ipv6');
      return undefined;
    }
    const name = entry.replace(/\.$/, '');
    if (!hostPattern.test(name)) return 'not a host name, IP address or CIDR';
    if (name.startsWith('*.')) this.suffixes.push(name.slice(1));
    else this.hosts.add(name);
    return undefined;
  }

  allowsHost(hostname: string): boolean {
    const name = normalizeHost(hostname);
    return this.hosts.has(name) || this.suffixes.some((suffix) => name.endsWith(suffix));
  }

  allowsAddress(address: string): boolean {
    const family = isIP(address);
    return family !== 0 && this.networks.check(address, family === 4 ? 'ipv4' : 'ipv6');
  }
}

export function normalizeHost(hostname: string): string {
  return hostname.toLowerCase().replace(/^\[|\]$/g, '').replace(/\.$/, '');
}

function IsOutboundAllowList(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isOutboundAllowList',
      validator: {
        validate: (value: unknown) => {
          if (typeof value !== 'string') return false;
          try {
            OutboundAllowList.parse(value);
            return true;
          } catch {
            return false;
          }
        },
        defaultMessage: () => 'must list host names, *.suffixes, IP addresses or CIDRs, comma-separated',
      },
    },
    options,
  );
}

/** Settings of the outbound-URL guard (load with `OutboundUrlPolicy.fromEnv`). */
export class OutboundUrlEnv {
  /** Intranet hosts / networks that may be fetched although their addresses are private. */
  @IsString()
  @IsOutboundAllowList()
  OUTBOUND_URL_ALLOW_HOSTS: string = '';

  @IntEnv({ min: 1 })
  OUTBOUND_URL_MAX_BYTES: number = 100 * 1024 * 1024;

  @IntEnv({ min: 50, max: 60_000 })
  OUTBOUND_URL_CONNECT_TIMEOUT_MS: number = 5_000;

  /** The whole fetch: every redirect, the headers and the body. */
  @IntEnv({ min: 100, max: 600_000 })
  OUTBOUND_URL_TIMEOUT_MS: number = 60_000;

  @IntEnv({ min: 0, max: 3 })
  OUTBOUND_URL_MAX_REDIRECTS: number = 3;
}

export interface OutboundUrlLimits {
  maxBytes: number;
  connectTimeoutMs: number;
  timeoutMs: number;
  maxRedirects: number;
}

/** What may be fetched, and within which limits. */
export class OutboundUrlPolicy {
  constructor(
    readonly allowList: OutboundAllowList = new OutboundAllowList(),
    readonly limits: OutboundUrlLimits = defaultLimits(),
  ) {}

  /** Reads the OUTBOUND_URL_* settings (default: the process's; throws a ConfigError naming every bad one). */
  static fromEnv(env?: NodeJS.ProcessEnv): OutboundUrlPolicy {
    return OutboundUrlPolicy.fromSettings(loadEnv(OutboundUrlEnv, env));
  }

  static fromSettings(settings: OutboundUrlEnv): OutboundUrlPolicy {
    return new OutboundUrlPolicy(OutboundAllowList.parse(settings.OUTBOUND_URL_ALLOW_HOSTS), {
      maxBytes: settings.OUTBOUND_URL_MAX_BYTES,
      connectTimeoutMs: settings.OUTBOUND_URL_CONNECT_TIMEOUT_MS,
      timeoutMs: settings.OUTBOUND_URL_TIMEOUT_MS,
      maxRedirects: settings.OUTBOUND_URL_MAX_REDIRECTS,
    });
  }

  /** An allow-listed host is trusted whatever it resolves to. */
  allowsHost(hostname: string): boolean {
    return this.allowList.allowsHost(hostname);
  }

  /** A host name that is refused before it is even resolved (unless allow-listed). */
  refusesName(hostname: string): boolean {
    const name = normalizeHost(hostname);
    return !name.includes('.') || internalNames.test(name);
  }

  allowsAddress(address: string): boolean {
    return classifyAddress(address) === 'public' || this.allowList.allowsAddress(address);
  }
}

function defaultLimits(): OutboundUrlLimits {
  const settings = new OutboundUrlEnv();
  return {
    maxBytes: settings.OUTBOUND_URL_MAX_BYTES,
    connectTimeoutMs: settings.OUTBOUND_URL_CONNECT_TIMEOUT_MS,
    timeoutMs: settings.OUTBOUND_URL_TIMEOUT_MS,
    maxRedirects: settings.OUTBOUND_URL_MAX_REDIRECTS,
  };
}
