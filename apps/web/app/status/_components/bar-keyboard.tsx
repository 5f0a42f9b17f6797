'use client';

import { useEffect } from 'react';

function visibleDays(bar: Element): HTMLElement[] {
  return Array.from(bar.querySelectorAll<HTMLElement>('.sp-d')).filter((d) => d.offsetParent !== null);
}

/** Leaves one tab stop per bar: the focused day, or else the newest one. */
function normalise(bar: Element, current?: HTMLElement) {
  const days = visibleDays(bar);
  const active = current && days.includes(current) ? current : days.at(-1);
  for (const d of days) d.tabIndex = d === active ? 0 : -1;
}

/**
 * Keyboard support for the uptime bars once JavaScript runs: each bar becomes one tab stop and
 * its days are walked with the arrow keys, Home and End (roving tabindex), so 50 components do
 * not mean 4,500 tab presses. Without JavaScript every day is a tab stop instead.
 */
export function BarKeyboard() {
  useEffect(() => {
    for (const bar of document.querySelectorAll('.sp-bar')) normalise(bar);
  });

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const day = e.target instanceof HTMLElement && e.target.classList.contains('sp-d') ? e.target : null;
      const bar = day?.closest('.sp-bar');
      if (!day || !bar) return;
      const days = visibleDays(bar);
      const i = days.indexOf(day);
      const next =
        e.key === 'ArrowRight' ? days[i + 1] : e.key === 'ArrowLeft' ? days[i - 1] : e.key === 'Home' ? days[0] : e.key === 'End' ? days.at(-1) : undefined;
      if (!['ArrowRight', 'ArrowLeft', 'Home', 'End'].includes(e.key)) return;
      e.preventDefault();
      if (!next) return;
      normalise(bar, next);
      next.focus();
    };
    const onFocus = (e: FocusEvent) => {
      const day = e.target instanceof HTMLElement && e.target.classList.contains('sp-d') ? e.target : null;
      const bar = day?.closest('.sp-bar');
      if (day && bar) normalise(bar, day);
    };
    document.addEventListener('keydown', onKey);
    document.addEventListener('focusin', onFocus);
    return () => {
      document.removeEventListener('keydown', onKey);
      document.removeEventListener('focusin', onFocus);
    };
  }, []);
  return null;
}
