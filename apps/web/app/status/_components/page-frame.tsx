import type { CSSProperties, ReactNode } from 'react';
import { badgePath, feedPath } from '../_lib/api';

interface FrameProps {
  slug: string;
  title: string;
  description: string | null;
  logoUrl: string | null;
  accent: string | null;
  children: ReactNode;
}

/**
 * Header, main landmark and footer of a public page. The accent colour (validated #rrggbb by the
 * API) only colours a decorative strip and links, never text on a coloured ground, so a team's
 * choice cannot break contrast.
 */
export function PageFrame({ slug, title, description, logoUrl, accent, children }: FrameProps) {
  const style = accent && /^#[0-9a-f]{6}$/i.test(accent) ? ({ '--sp-accent': accent } as CSSProperties) : undefined;
  return (
    <div className="sp-status min-h-dvh" style={style}>
      <a href="#sp-main" className="sr-only focus:not-sr-only focus:absolute focus:top-2 focus:left-2 focus:rounded focus:bg-surface focus:px-3 focus:py-2">
        Skip to content
      </a>
      <div className="sp-accent-bar h-1.5" aria-hidden="true" />
      <header className="mx-auto flex max-w-3xl flex-wrap items-center gap-4 px-4 pt-8 pb-6 sm:px-6">
        {logoUrl ? (
          // eslint-disable-next-line @next/next/no-img-element
          <img src={logoUrl} alt={`${title} logo`} className="h-10 w-auto max-w-[10rem] object-contain" referrerPolicy="no-referrer" />
        ) : null}
        <div className="min-w-0">
          <h1 className="text-2xl font-bold break-words">
            <a href={`/status/${slug}`} className="hover:underline">
              {title}
            </a>
          </h1>
          {description ? <p className="mt-1 text-fg-muted break-words">{description}</p> : null}
        </div>
      </header>
      <main id="sp-main" className="mx-auto max-w-3xl space-y-8 px-4 pb-10 sm:px-6">
        {children}
      </main>
      <footer className="mx-auto flex max-w-3xl flex-wrap items-center justify-between gap-3 border-t border-border px-4 py-6 text-sm text-fg-muted sm:px-6">
        <nav aria-label="Status page links" className="flex flex-wrap gap-4">
          <a className="underline" href={`/status/${slug}/history`}>
            Incident history
          </a>
          <a className="underline" href={feedPath(slug)} type="application/atom+xml">
            Atom feed
          </a>
          <a className="underline" href={badgePath(slug)}>
            Status badge
          </a>
        </nav>
        <p>
          Powered by <span className="font-semibold">SentryPulse</span>
        </p>
      </footer>
    </div>
  );
}
