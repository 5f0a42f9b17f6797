/** Missing and private pages look the same to visitors. */
export default function StatusNotFound() {
  return (
    <main id="sp-main" className="sp-status mx-auto max-w-xl px-4 py-16 text-center">
      <h1 className="text-xl font-semibold">Status page not found</h1>
      <p className="mt-2 text-fg-muted">There is no public status page at this address.</p>
    </main>
  );
}
