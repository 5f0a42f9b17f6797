/**
 * A deliberately small JSONPath subset (see docs/adr/0043-json-path-subset.md): a path is `$`
 * followed by `.name`, `['name']` / `["name"]` or `[index]` steps, e.g. `$.status`,
 * `$.data.items[0].ok`, `$['content-type']`, `$.items[-1]` (negative index counts from the end).
 * No wildcards, filters or recursive descent: a check asserts one value.
 */
export type JsonPathStep = string | number;

export function parseJsonPath(path: string): JsonPathStep[] {
  const p = path.trim();
  if (!p.startsWith('$')) throw new Error(`invalid JSON path '${path}': must start with $`);
  const steps: JsonPathStep[] = [];
  let i = 1;
  while (i < p.length) {
    const rest = p.slice(i);
    let m = /^\.([A-Za-z_$][\w$-]*)/.exec(rest);
    if (m) {
      steps.push(m[1]!);
      i += m[0].length;
      continue;
    }
    m = /^\[\s*(-?\d+)\s*\]/.exec(rest);
    if (m) {
      steps.push(Number(m[1]));
      i += m[0].length;
      continue;
    }
    m = /^\[\s*'((?:[^'\\]|\\.)*)'\s*\]/.exec(rest) ?? /^\[\s*"((?:[^"\\]|\\.)*)"\s*\]/.exec(rest);
    if (m) {
      steps.push(m[1]!.replace(/\\(.)/g, '$1'));
      i += m[0].length;
      continue;
    }
    throw new Error(`invalid JSON path '${path}' at '${rest.slice(0, 20)}'`);
  }
  return steps;
}

/** Walks `steps` into `value`; `found: false` when a step is missing. */
export function evaluateJsonPath(value: unknown, steps: JsonPathStep[]): { found: true; value: unknown } | { found: false } {
  let cur: unknown = value;
  for (const step of steps) {
    if (typeof step === 'number') {
      if (!Array.isArray(cur)) return { found: false };
      const idx = step < 0 ? cur.length + step : step;
      if (idx < 0 || idx >= cur.length) return { found: false };
      cur = cur[idx];
    } else {
      if (cur === null || typeof cur !== 'object' || Array.isArray(cur) || !Object.prototype.hasOwnProperty.call(cur, step)) return { found: false };
      cur = (cur as Record<string, unknown>)[step];
    }
  }
  return { found: true, value: cur };
}

/** The text a value is compared as: strings as they are, everything else as JSON. */
export function jsonValueText(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}
