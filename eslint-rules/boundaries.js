import path from 'node:path';

/**
 * Import boundaries (ADR 0103), checked on every import and dynamic import:
 * - a file reaches another workspace unit (apps/<x>, packages/<x>) only through its package
 *   name and `exports`, never by relative path;
 * - a package never imports an app;
 * - production code never imports a testing module (testing.ts, test-support.ts, fixtures.ts,
 *   anything under a test/ folder, or a `@sentrypulse/<x>/testing` entry). Tests, bench/ and
 *   testing modules themselves may.
 */
const ROOT = path.resolve(import.meta.dirname, '..');
const APPS = new Set(['api', 'worker', 'web']);

function unitOf(abs) {
  const [top, name] = path.relative(ROOT, abs).split(path.sep);
  return top === 'apps' || top === 'packages' ? `${top}/${name}` : top;
}
const isTestingPath = (p) => /(^|\/)(testing|test-support|fixtures)(\.tsx?)?$/.test(p) || /(^|\/)test\//.test(p);
const isTestCode = (rel) => /\.test\.tsx?$/.test(rel) || /(^|\/)(test|bench)\//.test(rel) || rel.startsWith('bench/') || isTestingPath(rel.replace(/\.tsx?$/, ''));

export const boundaries = {
  meta: { type: 'problem', schema: [], messages: { relative: '{{why}}' } },
  create(context) {
    const file = context.filename;
    const rel = path.relative(ROOT, file).split(path.sep).join('/');
    const from = unitOf(file);
    const check = (node, spec) => {
      if (typeof spec !== 'string') return;
      const report = (why) => context.report({ node, messageId: 'relative', data: { why } });
      let target = null;
      if (spec.startsWith('.')) {
        const abs = path.resolve(path.dirname(file), spec);
        const to = unitOf(abs);
        if (to !== from && (to.startsWith('apps/') || to.startsWith('packages/'))) {
          report(`'${spec}' reaches into ${to} by relative path: import it through its package name and exports`);
        }
        target = path.relative(ROOT, abs).split(path.sep).join('/');
        if (from.startsWith('packages/') && to.startsWith('apps/')) report(`a package never imports an app ('${spec}')`);
      } else if (spec.startsWith('@sentrypulse/')) {
        const [, name, ...sub] = spec.split('/');
        if (from.startsWith('packages/') && APPS.has(name)) report(`a package never imports an app ('${spec}')`);
        target = sub.length ? `${name}/${sub.join('/')}` : null;
      }
      if (target && isTestingPath(target) && !isTestCode(rel)) {
        report(`production code imports the testing module '${spec}': only tests, bench/ and testing modules may`);
      }
    };
    return {
      ImportDeclaration: (n) => check(n, n.source.value),
      ExportNamedDeclaration: (n) => n.source && check(n, n.source.value),
      ExportAllDeclaration: (n) => check(n, n.source.value),
      ImportExpression: (n) => n.source.type === 'Literal' && check(n, n.source.value),
    };
  },
};

export default { rules: { boundaries } };
