import path from 'node:path';
import { RuleTester } from 'eslint';
import tseslint from 'typescript-eslint';
import { describe, it } from 'vitest';
import { boundaries } from './boundaries.js';

// RuleTester calls describe/it itself; vitest provides them.
RuleTester.describe = describe;
RuleTester.it = it;
const root = path.resolve(import.meta.dirname, '..');
const at = (rel: string) => path.join(root, rel);
const tester = new RuleTester({ languageOptions: { parser: tseslint.parser as never, ecmaVersion: 2022, sourceType: 'module' } });

tester.run('boundaries', boundaries as never, {
  valid: [
    { filename: at('apps/api/src/monitors/service.ts'), code: "import { x } from '@sentrypulse/db';" },
    { filename: at('apps/api/src/monitors/service.ts'), code: "import { x } from '../errors';" },
    { filename: at('apps/api/src/x/x.test.ts'), code: "import { createTestDatabase } from '@sentrypulse/db/testing';" },
    { filename: at('apps/worker/src/notify/e2e.test.ts'), code: "import { insertChannel } from '../../test/notify-support';" },
    { filename: at('apps/worker/src/checks/testing.ts'), code: "import { y } from '../monitoring/test-support';" },
  ],
  invalid: [
    { filename: at('apps/api/src/analytics/testing.ts'), code: "import { drain } from '../../../worker/src/analytics/drain';", errors: 1 },
    { filename: at('apps/web/test/e2e-support.ts'), code: "import { modules } from '../../worker/src/modules';", errors: 1 },
    { filename: at('bench/ingest/run.ts'), code: "import { db } from '../../packages/db/src/index';", errors: 1 },
    { filename: at('packages/db/src/queries/x.ts'), code: "import { y } from '@sentrypulse/worker';", errors: 1 },
    { filename: at('packages/tracker/test/api.e2e.test.ts'), code: "import { h } from '../../../apps/api/test/helpers';", errors: 2 },
    { filename: at('apps/api/src/monitors/service.ts'), code: "import { f } from '../public/fixtures';", errors: 1 },
    { filename: at('apps/api/src/server.ts'), code: "import { createTestDatabase } from '@sentrypulse/db/testing';", errors: 1 },
    { filename: at('apps/worker/src/main.ts'), code: "const m = await import('./checks/testing');", errors: 1 },
  ],
});
