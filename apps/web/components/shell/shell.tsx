'use client';
import Link from 'next/link';
import { usePathname, useRouter } from 'next/navigation';
import { useEffect, useRef, useState, type ReactNode } from 'react';
import { useSWRConfig } from 'swr';
import { logout } from '../../lib/api/auth';
import { useMe } from '../../lib/api/hooks';
import { teamHref, useCurrentTeam } from '../../lib/team';
import { useTheme } from '../../lib/theme';
import { Icon, type IconName } from './icons';
import { TeamSwitcher } from './team-switcher';

const NAV: { path: string; label: string; icon: IconName }[] = [
  { path: '/monitors', label: 'Monitors', icon: 'monitor' },
  { path: '/incidents', label: 'Incidents', icon: 'incident' },
  { path: '/status-pages', label: 'Status pages', icon: 'status' },
  { path: '/sites', label: 'Analytics', icon: 'analytics' },
  { path: '/channels', label: 'Notifications', icon: 'channel' },
  { path: '/escalation', label: 'Escalation', icon: 'incident' },
  { path: '/settings', label: 'Team', icon: 'team' },
];

function Logo() {
  return (
    <span className="flex items-center gap-2 font-semibold text-fg">
      <span className="grid size-7 place-items-center rounded-md bg-brand text-white">
        <Icon name="monitor" className="size-4" />
      </span>
      SentryPulse
    </span>
  );
}

function Nav({ onNavigate }: { onNavigate?: () => void }) {
  const pathname = usePathname();
  const { teamId } = useCurrentTeam();
  return (
    <nav aria-label="Main" className="mt-4 space-y-0.5">
      {teamId
        ? NAV.map((item) => {
            const href = teamHref(teamId, item.path);
            const active = pathname === href || pathname.startsWith(`${href}/`);
            return (
              <Link
                key={item.path}
                href={href}
                onClick={onNavigate}
                aria-current={active ? 'page' : undefined}
                className="flex items-center gap-3 rounded-md px-3 py-2 text-sm text-fg-muted hover:bg-muted hover:text-fg aria-[current=page]:bg-brand/10 aria-[current=page]:font-medium aria-[current=page]:text-brand"
              >
                <Icon name={item.icon} />
                {item.label}
              </Link>
            );
          })
        : null}
    </nav>
  );
}

function ThemeToggle() {
  const [theme, setTheme] = useTheme();
  const next = theme === 'light' ? 'dark' : theme === 'dark' ? 'system' : 'light';
  return (
    <button
      type="button"
      onClick={() => setTheme(next)}
      className="flex items-center gap-2 rounded-md px-2 py-1.5 text-xs text-fg-muted hover:bg-muted hover:text-fg"
      aria-label={`Theme: ${theme}. Switch to ${next}`}
    >
      <Icon name={theme === 'dark' ? 'moon' : 'sun'} />
      <span className="capitalize">{theme}</span>
    </button>
  );
}

function UserFooter({ onNavigate }: { onNavigate?: () => void }) {
  const { data } = useMe();
  const router = useRouter();
  const { mutate } = useSWRConfig();
  const [busy, setBusy] = useState(false);
  return (
    <div className="border-t border-border pt-3">
      <Link href="/account" onClick={onNavigate} className="flex items-center gap-2 rounded-md px-2 py-1.5 text-sm hover:bg-muted">
        <Icon name="user" className="size-4 text-fg-muted" />
        <span className="min-w-0 truncate" data-testid="user-name">
          {data?.user.name ?? '\u00a0'}
        </span>
      </Link>
      <div className="mt-1 flex items-center justify-between">
        <ThemeToggle />
        <button
          type="button"
          disabled={busy}
          onClick={async () => {
            setBusy(true);
            await logout().catch(() => undefined);
            await mutate(() => true, undefined, { revalidate: false });
            router.replace('/login');
          }}
          className="flex items-center gap-2 rounded-md px-2 py-1.5 text-xs text-fg-muted hover:bg-muted hover:text-fg"
        >
          <Icon name="logout" /> Log out
        </button>
      </div>
    </div>
  );
}

function SidebarContent({ onNavigate }: { onNavigate?: () => void }) {
  return (
    <div className="flex h-full flex-col gap-4 p-4">
      <Link href="/" className="hidden lg:block" onClick={onNavigate}>
        <Logo />
      </Link>
      <TeamSwitcher onNavigate={onNavigate} />
      <div className="flex-1 overflow-y-auto">
        <Nav onNavigate={onNavigate} />
      </div>
      <UserFooter onNavigate={onNavigate} />
    </div>
  );
}

/** Sidebar on wide screens, a top bar with a drawer below 1024 px. */
export function AppShell({ children }: { children: ReactNode }) {
  const [open, setOpen] = useState(false);
  const menuButton = useRef<HTMLButtonElement>(null);
  // Escape, the close button and the backdrop give the focus back to the menu button.
  const restoreFocus = useRef(false);
  const dismiss = () => {
    restoreFocus.current = true;
    setOpen(false);
  };
  useEffect(() => {
    if (open || !restoreFocus.current) return;
    restoreFocus.current = false;
    menuButton.current?.focus();
  }, [open]);
  const pathname = usePathname();
  useEffect(() => setOpen(false), [pathname]);
  useEffect(() => {
    if (!open) return;
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && dismiss();
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [open]);

  return (
    <div className="min-h-dvh">
      {/* While the phone menu is open everything behind it is inert: Tab stays in the dialog. */}
      <a href="#main" inert={open || undefined} className="sr-only focus:not-sr-only focus:fixed focus:left-2 focus:top-2 focus:z-50 focus:rounded focus:bg-surface focus:px-3 focus:py-2">
        Skip to content
      </a>
      <aside inert={open || undefined} className="fixed inset-y-0 left-0 z-20 hidden w-64 border-r border-border bg-surface lg:block">
        <SidebarContent />
      </aside>
      <header inert={open || undefined} className="sticky top-0 z-20 flex h-14 items-center justify-between border-b border-border bg-surface/95 px-4 backdrop-blur lg:hidden">
        <Link href="/">
          <Logo />
        </Link>
        <button
          type="button"
          ref={menuButton}
          onClick={() => setOpen(true)}
          aria-label="Open menu"
          aria-expanded={open}
          aria-controls="mobile-nav"
          className="rounded-md p-2 text-fg-muted hover:bg-muted"
        >
          <Icon name="menu" className="size-5" />
        </button>
      </header>
      {open ? (
        <div className="fixed inset-0 z-40 lg:hidden" role="dialog" aria-modal="true" aria-label="Menu" id="mobile-nav">
          <div className="absolute inset-0 bg-black/40" onClick={dismiss} />
          <div className="absolute inset-y-0 left-0 w-72 max-w-[85vw] bg-surface shadow-xl">
            <button
              type="button"
              onClick={dismiss}
              aria-label="Close menu"
              className="absolute right-2 top-2 rounded-md p-2 text-fg-muted hover:bg-muted"
              autoFocus
            >
              <Icon name="close" className="size-5" />
            </button>
            <div className="h-full pt-10">
              <SidebarContent onNavigate={() => setOpen(false)} />
            </div>
          </div>
        </div>
      ) : null}
      <main id="main" inert={open || undefined} className="lg:pl-64">
        <div className="mx-auto max-w-6xl px-4 py-6 sm:px-6 lg:py-8">{children}</div>
      </main>
    </div>
  );
}
