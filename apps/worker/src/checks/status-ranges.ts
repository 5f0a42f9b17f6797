/** One accepted status range, inclusive. */
export interface StatusRange {
  from: number;
  to: number;
}

/**
 * Parses '200-299,301' into ranges. Also accepts '2xx'. Throws on anything else so a bad monitor
 * shows a clear error instead of silently accepting every status.
 */
export function parseStatusRanges(spec: string): StatusRange[] {
  const ranges: StatusRange[] = [];
  for (const raw of spec.split(',')) {
    const part = raw.trim();
    if (part === '') continue;
    let m = /^([1-5])xx$/i.exec(part);
    if (m) {
      const base = Number(m[1]) * 100;
      ranges.push({ from: base, to: base + 99 });
      continue;
    }
    m = /^(\d{3})(?:\s*-\s*(\d{3}))?$/.exec(part);
    if (!m) throw new Error(`invalid expected status '${spec}'`);
    const from = Number(m[1]);
    const to = m[2] === undefined ? from : Number(m[2]);
    if (from < 100 || to > 599 || from > to) throw new Error(`invalid expected status '${spec}'`);
    ranges.push({ from, to });
  }
  if (ranges.length === 0) throw new Error(`invalid expected status '${spec}'`);
  return ranges;
}

export function statusMatches(code: number, ranges: StatusRange[]): boolean {
  return ranges.some((r) => code >= r.from && code <= r.to);
}
