import type { ReactNode } from 'react';
import './status.css';

// Without JavaScript the root layout's theme script does not run; follow the OS theme then.
const noScriptDark = `@media (prefers-color-scheme: dark){:root{--sp-bg:oklch(0.17 0.01 260);--sp-surface:oklch(0.21 0.012 260);--sp-muted:oklch(0.25 0.012 260);--sp-border:oklch(0.31 0.012 260);--sp-fg:oklch(0.95 0.005 260);--sp-fg-muted:oklch(0.72 0.01 260);color-scheme:dark}.sp-status{--st-none:#4a515b}.sp-text-operational{color:#4ac26b}.sp-text-degraded{color:#d4a72c}.sp-text-outage{color:#ff7b72}.sp-text-maintenance{color:#6cb6ff}.sp-message a{color:#6cb6ff}}`;

/** Public status pages: no dashboard chrome, no sign-in. */
export default function StatusLayout({ children }: { children: ReactNode }) {
  return (
    <>
      <noscript>
        <style>{noScriptDark}</style>
      </noscript>
      {children}
    </>
  );
}
