/** When the API cannot be reached: a calm message (and a 200 that is not cached by anyone). */
export function Unavailable() {
  return (
    <main id="sp-main" className="sp-status mx-auto max-w-xl px-4 py-16 text-center">
      <h1 className="text-xl font-semibold">Status temporarily unavailable</h1>
      <p className="mt-2 text-fg-muted">We could not load this status page just now. Please try again in a minute.</p>
    </main>
  );
}
