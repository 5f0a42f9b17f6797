#!/usr/bin/env node
// node scripts/openapi-report.mjs openapi.json — counts of what an integrator's generator needs
// from the OpenAPI document (issue 18): operations without operationId/summary/tags, problem+json
// responses, public operations marked `security: []`, named component schemas and their $refs.
import { readFileSync } from 'node:fs';

const doc = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace'];
const ops = [];
for (const [path, item] of Object.entries(doc.paths ?? {})) {
  for (const m of METHODS) if (item[m]) ops.push({ path, method: m, op: item[m] });
}
const count = (f) => ops.filter(f).length;
const has4xx = (o) => Object.keys(o.op.responses ?? {}).some((s) => s.startsWith('4'));
const problem = (o) =>
  Object.entries(o.op.responses ?? {}).some(([s, r]) => s.startsWith('4') && r.content?.['application/problem+json']);
const refs = (JSON.stringify(doc).match(/"\$ref":"#\/components\/schemas\//g) ?? []).length;
const lines = [
  `openapi ${doc.openapi}; paths ${Object.keys(doc.paths ?? {}).length}; operations ${ops.length}`,
  `operations without operationId: ${count((o) => !o.op.operationId)}`,
  `operations without summary: ${count((o) => !o.op.summary)}`,
  `operations without tags: ${count((o) => !o.op.tags?.length)}`,
  `operations without any 4xx response: ${count((o) => !has4xx(o))}`,
  `operations with an application/problem+json 4xx response: ${count(problem)}`,
  `operations with security: [] (public): ${count((o) => Array.isArray(o.op.security) && o.op.security.length === 0)}`,
  `operations answering only "Default Response" 200: ${count((o) => Object.keys(o.op.responses ?? {}).join() === '200' && o.op.responses['200'].description === 'Default Response')}`,
  `named component schemas: ${Object.keys(doc.components?.schemas ?? {}).length}; $refs to them: ${refs}`,
  `info.license: ${doc.info?.license ? JSON.stringify(doc.info.license) : 'missing'}; servers: ${JSON.stringify(doc.servers ?? [])}`,
  `tags: ${[...new Set(ops.flatMap((o) => o.op.tags ?? []))].join(', ') || '(none)'}`,
];
process.stdout.write(`${lines.join('\n')}\n`);
