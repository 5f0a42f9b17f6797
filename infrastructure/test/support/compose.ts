import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

export const ROOT = join(import.meta.dirname, '..', '..', '..');

export interface ComposeService {
  image?: string;
  build?: { context: string; dockerfile: string; target: string };
  command?: string | string[];
  environment?: Record<string, string | number | boolean | null>;
  ports?: string[];
  expose?: string[];
  volumes?: string[];
  container_name?: string;
  restart?: string;
  healthcheck?: { test: string | string[]; interval?: string; timeout?: string; retries?: number; start_period?: string };
  depends_on?: Record<string, { condition: string }>;
  deploy?: unknown;
  [key: string]: unknown;
}

export interface ComposeFile {
  name?: string;
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
}

export function readRepoFile(path: string): string {
  return readFileSync(join(ROOT, path), 'utf8');
}

/** docker-compose.yml as compose sees it after YAML anchors and merge keys. */
export function loadCompose(): ComposeFile {
  return parse(readRepoFile('docker-compose.yml'), { merge: true }) as ComposeFile;
}

/** Variable names in the zod object of packages/shared/src/config.ts (the source of truth). */
export function configVariables(): string[] {
  const src = readRepoFile('packages/shared/src/config.ts');
  const start = src.indexOf('const EnvSchema = z.object({');
  if (start < 0) throw new Error('EnvSchema not found in config.ts');
  const end = src.indexOf('\n});', start);
  const body = src.slice(start, end);
  return [...body.matchAll(/^\s{2}([A-Z][A-Z0-9_]*):/gm)].map((m) => m[1]!);
}

/** Names documented in .env.example, set (`NAME=`) or optional (`# NAME=`), with their values. */
export function envExample(): Map<string, { value: string; optional: boolean }> {
  const out = new Map<string, { value: string; optional: boolean }>();
  for (const line of readRepoFile('.env.example').split('\n')) {
    const m = /^(#\s*)?([A-Z][A-Z0-9_]*)=(.*)$/.exec(line);
    if (m) out.set(m[2]!, { value: m[3]!, optional: Boolean(m[1]) });
  }
  return out;
}

export class InterpolationError extends Error {}

/**
 * Compose's variable substitution: ${VAR}, ${VAR:-default}, ${VAR-default}, ${VAR:?message},
 * ${VAR?message}, nesting inside defaults, and $$ for a literal dollar.
 */
export function interpolate(text: string, env: Record<string, string | undefined>): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    if (ch !== '$') {
      out += ch;
      i++;
      continue;
    }
    const next = text[i + 1];
    if (next === '$') {
      out += '$';
      i += 2;
      continue;
    }
    if (next !== '{') {
      const m = /^\$([A-Za-z_][A-Za-z0-9_]*)/.exec(text.slice(i));
      if (!m) {
        out += '$';
        i++;
        continue;
      }
      out += env[m[1]!] ?? '';
      i += m[0].length;
      continue;
    }
    // Find the matching closing brace, allowing nested ${...}.
    let depth = 0;
    let j = i + 1;
    for (; j < text.length; j++) {
      if (text[j] === '{') depth++;
      else if (text[j] === '}') {
        depth--;
        if (depth === 0) break;
      }
    }
    if (j >= text.length) throw new InterpolationError(`unterminated variable in "${text}"`);
    const inner = text.slice(i + 2, j);
    const m = /^([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([\s\S]*))?$/.exec(inner);
    if (!m) throw new InterpolationError(`invalid variable "\${${inner}}"`);
    const [, name, op, arg = ''] = m;
    const value = env[name!];
    const unset = value === undefined;
    const empty = unset || value === '';
    if (op === ':-') out += empty ? interpolate(arg, env) : value;
    else if (op === '-') out += unset ? interpolate(arg, env) : value;
    else if (op === ':?') {
      if (empty) throw new InterpolationError(`${name}: ${arg}`);
      out += value;
    } else if (op === '?') {
      if (unset) throw new InterpolationError(`${name}: ${arg}`);
      out += value;
    } else out += value ?? '';
    i = j + 1;
  }
  return out;
}

/** Every variable name a compose value refers to (outer and nested). */
export function referencedVariables(text: string): string[] {
  const unescaped = text.replace(/\$\$/g, ''); // $$ is a literal dollar for the container's shell
  return [...unescaped.matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)/g), ...unescaped.matchAll(/\$([A-Za-z_][A-Za-z0-9_]*)/g)].map((m) => m[1]!);
}

/** A service's environment with compose substitution applied, as the container would see it. */
export function resolvedEnvironment(service: ComposeService, dotenv: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(service.environment ?? {})) out[k] = interpolate(String(v ?? ''), dotenv);
  return out;
}
