/** Where to go after signing in: a same-site path from ?next=, never an absolute URL. */
export function safeNext(raw: string | null | undefined, fallback = '/'): string {
  if (!raw || !raw.startsWith('/') || raw.startsWith('//') || raw.startsWith('/\\')) return fallback;
  return raw;
}

export function nextFromLocation(fallback = '/'): string {
  if (typeof window === 'undefined') return fallback;
  return safeNext(new URLSearchParams(window.location.search).get('next'), fallback);
}
