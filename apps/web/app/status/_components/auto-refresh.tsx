'use client';

import { useRouter } from 'next/navigation';
import { useEffect } from 'react';

/**
 * With JavaScript on, re-renders the page from the server every `seconds` while the tab is
 * visible (and at once when it becomes visible again). The server answer comes from the API's
 * cache, so a crowd of open tabs costs little. Without JavaScript the page is simply static.
 */
export function AutoRefresh({ seconds: fallback }: { seconds: number }) {
  const router = useRouter();
  useEffect(() => {
    // `?refresh=N` (2–300 s) overrides the period, e.g. for wall displays (read here so the
    // server-rendered page stays cacheable).
    const asked = Number(new URLSearchParams(window.location.search).get('refresh'));
    const seconds = Number.isFinite(asked) && asked >= 2 && asked <= 300 ? asked : fallback;
    let last = Date.now();
    const tick = () => {
      if (document.visibilityState !== 'visible') return;
      last = Date.now();
      router.refresh();
    };
    const id = window.setInterval(tick, seconds * 1000);
    const onVisible = () => {
      if (document.visibilityState === 'visible' && Date.now() - last > seconds * 1000) tick();
    };
    document.addEventListener('visibilitychange', onVisible);
    return () => {
      window.clearInterval(id);
      document.removeEventListener('visibilitychange', onVisible);
    };
  }, [router, fallback]);
  return null;
}
