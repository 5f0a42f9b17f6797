'use client';
import { useEffect, useRef, useState } from 'react';

/** True once the element has scrolled into view (and stays true): lets long lists load lazily. */
export function useVisible<T extends Element>(rootMargin = '200px') {
  const ref = useRef<T>(null);
  const [visible, setVisible] = useState(false);
  useEffect(() => {
    const el = ref.current;
    if (!el || visible) return;
    if (typeof IntersectionObserver === 'undefined') return setVisible(true);
    const io = new IntersectionObserver(
      (entries) => {
        if (entries.some((e) => e.isIntersecting)) {
          setVisible(true);
          io.disconnect();
        }
      },
      { rootMargin },
    );
    io.observe(el);
    return () => io.disconnect();
  }, [rootMargin, visible]);
  return [ref, visible] as const;
}
