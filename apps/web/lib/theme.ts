'use client';
import { useEffect, useState } from 'react';

export type ThemeChoice = 'light' | 'dark' | 'system';

function apply(choice: ThemeChoice) {
  const dark = choice === 'dark' || (choice === 'system' && matchMedia('(prefers-color-scheme: dark)').matches);
  document.documentElement.classList.toggle('dark', dark);
}

/** Light / dark / follow the system; saved in localStorage and applied before paint by the root layout. */
export function useTheme(): [ThemeChoice, (t: ThemeChoice) => void] {
  const [choice, setChoice] = useState<ThemeChoice>('system');
  useEffect(() => {
    const saved = localStorage.getItem('sp-theme');
    if (saved === 'light' || saved === 'dark' || saved === 'system') setChoice(saved);
  }, []);
  useEffect(() => {
    if (choice !== 'system') return;
    const mq = matchMedia('(prefers-color-scheme: dark)');
    const onChange = () => apply('system');
    mq.addEventListener('change', onChange);
    return () => mq.removeEventListener('change', onChange);
  }, [choice]);
  return [
    choice,
    (t) => {
      localStorage.setItem('sp-theme', t);
      setChoice(t);
      apply(t);
    },
  ];
}
