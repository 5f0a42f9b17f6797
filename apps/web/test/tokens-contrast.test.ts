/**
 * The design tokens of app/globals.css against WCAG 2.2 AA, computed from the file itself (no
 * browser): a token change that breaks a contrast ratio fails here, before any page is opened
 * (ADR 0150). Colours are converted as the browser does (oklch → sRGB, clipped, 8 bits) and tints
 * (`bg-up/15`) composited over their background, so the ratios match what axe-core measures.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

type Rgb = [number, number, number];

const css = readFileSync(join(dirname(fileURLToPath(import.meta.url)), '..', 'app', 'globals.css'), 'utf8');

/** The custom properties of one block (`@theme {`, `:root {`, `.dark {`). */
function block(selector: string): Map<string, string> {
  const start = css.indexOf(`${selector} {`);
  if (start < 0) throw new Error(`${selector} not found in globals.css`);
  const body = css.slice(start, css.indexOf('}', start));
  return new Map([...body.matchAll(/(--[\w-]+):\s*([^;]+);/g)].map((m) => [m[1]!, m[2]!.trim()]));
}

const theme = block('@theme');
const light = block(':root');
const dark = block('.dark');

function oklchToRgb(value: string): Rgb {
  const m = /^oklch\(\s*([\d.]+)\s+([\d.]+)\s+([\d.]+)\s*\)$/.exec(value);
  if (!m) throw new Error(`not an oklch() colour: ${value}`);
  const [L, C, h] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const a = C * Math.cos((h * Math.PI) / 180);
  const b = C * Math.sin((h * Math.PI) / 180);
  const l = (L + 0.3963377774 * a + 0.2158037573 * b) ** 3;
  const mm = (L - 0.1055613458 * a - 0.0638541728 * b) ** 3;
  const s = (L - 0.0894841775 * a - 1.291485548 * b) ** 3;
  const linear = [4.0767416621 * l - 3.3077115913 * mm + 0.2309699292 * s, -1.2684380046 * l + 2.6097574011 * mm - 0.3413193965 * s, -0.0041960863 * l - 0.7034186147 * mm + 1.707614701 * s];
  return linear.map((x) => {
    const c = Math.min(1, Math.max(0, x));
    return Math.round(255 * (c <= 0.0031308 ? 12.92 * c : 1.055 * c ** (1 / 2.4) - 0.055));
  }) as Rgb;
}

function luminance([r, g, b]: Rgb): number {
  const lin = (v: number) => (v / 255 <= 0.04045 ? v / 255 / 12.92 : ((v / 255 + 0.055) / 1.055) ** 2.4);
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
}

function contrast(a: Rgb, b: Rgb): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

/** `bg-x/NN` over a background: the browser blends the 8-bit sRGB values. */
function tint(color: Rgb, alpha: number, over: Rgb): Rgb {
  return color.map((v, i) => Math.round(alpha * v + (1 - alpha) * over[i]!)) as Rgb;
}

const hex = (c: Rgb) => `#${c.map((v) => v.toString(16).padStart(2, '0')).join('')}`;

/** A token's colour in a theme, following var(--sp-*) into :root or .dark. */
function resolve(name: string, scheme: Map<string, string>): Rgb {
  // Tailwind's text-* colours read --text-color-* first, then --color-*.
  if (name.startsWith('--text-color-') && !theme.has(name)) name = name.replace('--text-color-', '--color-');
  let value = theme.get(name) ?? scheme.get(name);
  for (let i = 0; value?.startsWith('var('); i++) {
    const ref = /^var\((--[\w-]+)\)$/.exec(value)![1]!;
    value = scheme.get(ref) ?? theme.get(ref);
    if (i > 5) throw new Error(`var() loop at ${name}`);
  }
  if (!value) throw new Error(`token ${name} not defined`);
  return oklchToRgb(value);
}

const WHITE: Rgb = [255, 255, 255];
const STATUS_TEXT = ['up', 'degraded', 'down', 'maintenance', 'brand'] as const;
const FILLS = ['up', 'degraded', 'down', 'maintenance', 'paused', 'pending', 'brand'] as const;
/** The tints the components put text on (Badge 15%, active nav and pressed toggles 10%, filter chips 20%). */
const TINTS = [0.1, 0.15, 0.2];

interface Pair {
  what: string;
  ratio: number;
  min: number;
}

function pairs(schemeName: 'light' | 'dark'): Pair[] {
  const scheme = schemeName === 'light' ? light : dark;
  const c = (n: string) => resolve(n, scheme);
  const surfaces = { bg: c('--color-bg'), surface: c('--color-surface'), muted: c('--color-muted') };
  const out: Pair[] = [];
  const add = (what: string, fg: Rgb, bg: Rgb, min: number) => out.push({ what: `${schemeName}: ${what} (${hex(fg)} on ${hex(bg)})`, ratio: contrast(fg, bg), min });
  for (const [sName, s] of Object.entries(surfaces)) {
    add(`text-fg on ${sName}`, c('--color-fg'), s, 4.5);
    add(`text-fg-muted on ${sName}`, c('--color-fg-muted'), s, 4.5);
    for (const t of STATUS_TEXT) {
      const text = c(`--text-color-${t}`);
      add(`text-${t} on ${sName}`, text, s, 4.5);
      for (const a of TINTS) add(`text-${t} on bg-${t}/${a * 100} over ${sName}`, text, tint(c(`--color-${t}`), a, s), 4.5);
    }
    // Non-text contrast (1.4.11): status dots, uptime bars, the focus ring, input borders on focus.
    for (const f of FILLS) add(`bg-${f} (graphic) against ${sName}`, c(`--color-${f}`), s, 3);
  }
  // White text on solid fills: primary and danger buttons, the preview's status banner, the logo.
  for (const f of ['brand', 'brand-strong', 'up', 'degraded', 'down', 'maintenance']) add(`white text on bg-${f}`, WHITE, c(`--color-${f}`), 4.5);
  return out;
}

describe('design tokens meet WCAG 2.2 AA contrast', () => {
  it('converts oklch like the browser (the values axe-core reported before the fix)', () => {
    expect(hex(oklchToRgb('oklch(0.55 0.19 265)'))).toBe('#3967df');
    expect(hex(oklchToRgb('oklch(0.66 0.16 150)'))).toBe('#33ac5a');
    // The figure: brand text on its 10% tint over white was 4.4:1.
    expect(contrast(oklchToRgb('oklch(0.55 0.19 265)'), tint(oklchToRgb('oklch(0.55 0.19 265)'), 0.1, WHITE))).toBeCloseTo(4.4, 1);
  });

  for (const scheme of ['light', 'dark'] as const) {
    it(`${scheme} theme: text ≥ 4.5:1 on every surface and tint, fills ≥ 3:1, white on fills ≥ 4.5:1`, () => {
      const all = pairs(scheme);
      expect(all.length).toBeGreaterThan(60);
      const failing = all.filter((p) => p.ratio < p.min).map((p) => `${p.what}: ${p.ratio.toFixed(2)} < ${p.min}`);
      expect(failing).toEqual([]);
    });
  }

  it('fails a token that breaks AA (the check is not vacuous)', () => {
    const before = contrast(oklchToRgb('oklch(0.66 0.16 150)'), tint(oklchToRgb('oklch(0.66 0.16 150)'), 0.15, WHITE));
    expect(before).toBeLessThan(4.5);
    expect(contrast(WHITE, oklchToRgb('oklch(0.60 0.21 25)'))).toBeLessThan(4.5);
  });
});
