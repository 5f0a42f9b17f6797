import type { NextConfig } from 'next';

// /api/* and /tracker.js reach the API through proxy.ts (read at run time, so one build works
// against any API_INTERNAL_URL; next.config rewrites would be frozen at build time: ADR 0080).
const config: NextConfig = {
  // Lets a test run build into its own folder while someone else builds .next (shared tree).
  distDir: process.env.NEXT_DIST_DIR || '.next',
  reactStrictMode: true,
  poweredByHeader: false,
  transpilePackages: ['@sentrypulse/shared'],
  typescript: { tsconfigPath: 'tsconfig.json' },
  async headers() {
    return [
      {
        source: '/((?!status/).*)',
        headers: [
          { key: 'X-Frame-Options', value: 'DENY' },
          { key: 'X-Content-Type-Options', value: 'nosniff' },
          { key: 'Referrer-Policy', value: 'same-origin' },
        ],
      },
    ];
  },
};

export default config;
