import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { IncidentCard } from '../../_components/incident';
import { PageFrame } from '../../_components/page-frame';
import { Unavailable } from '../../_components/unavailable';
import { fetchHistory, fetchStatusPage } from '../../_lib/api';

export const dynamic = 'force-dynamic';

type Props = { params: Promise<{ slug: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { slug } = await params;
  const res = await fetchStatusPage(slug);
  return { title: { absolute: res.kind === 'ok' ? `${res.data.title} incident history` : 'Incident history' } };
}

/** Resolved incidents, 20 at a time, with plain links for paging (works without JavaScript). */
export default async function HistoryPage({ params, searchParams }: Props) {
  const { slug } = await params;
  const cursorParam = (await searchParams).cursor;
  const cursor = typeof cursorParam === 'string' ? cursorParam : undefined;
  const [page, history] = await Promise.all([fetchStatusPage(slug), fetchHistory(slug, cursor)]);
  if (page.kind === 'not-found' || history.kind === 'not-found') notFound();
  if (page.kind === 'unavailable' || history.kind === 'unavailable') return <Unavailable />;
  const p = page.data;
  return (
    <PageFrame slug={p.slug} title={p.title} description={p.description} logoUrl={p.logo_url} accent={p.accent_color}>
      <section aria-labelledby="sp-history" className="space-y-3">
        <h2 id="sp-history" className="text-lg font-semibold">
          Incident history
        </h2>
        {history.data.items.length === 0 ? (
          <p className="rounded-lg border border-border bg-surface p-5 text-fg-muted">{cursor ? 'No older incidents.' : 'No incidents reported.'}</p>
        ) : (
          history.data.items.map((i) => <IncidentCard key={i.id} incident={i} />)
        )}
        <nav aria-label="History pages" className="flex gap-4">
          {cursor ? (
            <a className="underline" href={`/status/${p.slug}/history`}>
              Newest incidents
            </a>
          ) : null}
          {history.data.next_cursor ? (
            <a className="underline" href={`/status/${p.slug}/history?cursor=${history.data.next_cursor}`}>
              Older incidents
            </a>
          ) : null}
          <a className="underline" href={`/status/${p.slug}`}>
            Current status
          </a>
        </nav>
      </section>
    </PageFrame>
  );
}
