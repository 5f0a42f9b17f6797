'use client';
import { useEffect, useRef, useState } from 'react';

/**
 * One IntersectionObserver per root margin for the whole page (a list of 500 rows would
 * otherwise create 500 observers), and a callback per element.
 */
const observers = new Map<string, { io: IntersectionObserver; callbacks: Map<Element, () => void> }>();

function observe(el: Element, rootMargin: string, onVisible: () => void): () => void {
  let entry = observers.get(rootMargin);
  if (!entry) {
    const callbacks = new Map<Element, () => void>();
    const io = new IntersectionObserver(
      (items) => {
        for (const item of items) {
          if (!item.isIntersecting) continue;
          const cb = callbacks.get(item.target);
          if (cb) {
            callbacks.delete(item.target);
            io.unobserve(item.target);
            cb();
          }
        }
      },
      { rootMargin },
    );
    entry = { io, callbacks };
    observers.set(rootMargin, entry);
  }
  const { io, callbacks } = entry;
  callbacks.set(el, onVisible);
  io.observe(el);
  return () => {
    callbacks.delete(el);
    io.unobserve(el);
  };
}

/** True once the element has scrolled into view (and stays true): lets long lists load lazily. */
export function useVisible<T extends Element>(rootMargin = '200px') {
  const ref = useRef<T>(null);
  const [visible, setVisible] = useState(false);
  useEffect(() => {
    const el = ref.current;
    if (!el || visible) return;
    if (typeof IntersectionObserver === 'undefined') return setVisible(true);
    return observe(el, rootMargin, () => setVisible(true));
  }, [rootMargin, visible]);
  return [ref, visible] as const;
}
