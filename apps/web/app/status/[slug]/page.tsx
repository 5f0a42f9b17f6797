import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { AutoRefresh } from '../_components/auto-refresh';
import { BarKeyboard } from '../_components/bar-keyboard';
import { StatusBanner } from '../_components/banner';
import { ComponentsList } from '../_components/components-list';
import { IncidentCard } from '../_components/incident';
import { Maintenances } from '../_components/maintenances';
import { PageFrame } from '../_components/page-frame';
import { Unavailable } from '../_components/unavailable';
import { feedPath, fetchStatusPage } from '../_lib/api';
import { formatDateTime, OVERALL_TEXT } from '../_lib/format';

// Rendered on demand, then served from Next's cache and re-rendered in the background at most
// every few seconds (the API caches too): a crowd opening the page during an outage costs one
// render per page per interval, not one per visitor.
export const revalidate = 5;

/** No page is built ahead of time; each is rendered on its first request and then cached. */
export function generateStaticParams(): Array<{ slug: string }> {
  return [];
}

type Props = { params: Promise<{ slug: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { slug } = await params;
  const res = await fetchStatusPage(slug);
  if (res.kind !== 'ok') return { title: 'Status page', robots: { index: false } };
  return {
    title: { absolute: `${res.data.title} status` },
    description: `${OVERALL_TEXT[res.data.status]}. ${res.data.description ?? ''}`.trim(),
    alternates: { types: { 'application/atom+xml': [{ url: feedPath(slug), title: `${res.data.title} incidents` }] } },
  };
}

export default async function StatusPage({ params }: Props) {
  const { slug } = await params;
  const res = await fetchStatusPage(slug);
  if (res.kind === 'not-found') notFound();
  if (res.kind === 'unavailable') return <Unavailable />;
  const page = res.data;
  return (
    <PageFrame slug={page.slug} title={page.title} description={page.description} logoUrl={page.logo_url} accent={page.accent_color}>
      <AutoRefresh seconds={30} />
      <BarKeyboard />
      <StatusBanner status={page.status} generatedAt={page.generated_at} />

      {page.active_incidents.length > 0 ? (
        <section aria-labelledby="sp-active" className="space-y-3">
          <h2 id="sp-active" className="text-lg font-semibold">
            Active incidents
          </h2>
          {page.active_incidents.map((i) => (
            <IncidentCard key={i.id} incident={i} />
          ))}
        </section>
      ) : null}

      {page.maintenances.length > 0 ? (
        <section aria-labelledby="sp-maintenance" className="space-y-3">
          <h2 id="sp-maintenance" className="text-lg font-semibold">
            Maintenance
          </h2>
          <Maintenances items={page.maintenances} />
        </section>
      ) : null}

      <section aria-labelledby="sp-components" className="space-y-3">
        <h2 id="sp-components" className="text-lg font-semibold">
          Components
        </h2>
        <ComponentsList components={page.components} />
      </section>

      {page.show_incident_history ? (
        <section aria-labelledby="sp-past" className="space-y-3">
          <h2 id="sp-past" className="text-lg font-semibold">
            Past incidents
          </h2>
          {page.past_incidents.length === 0 ? (
            <p className="rounded-lg border border-border bg-surface p-5 text-fg-muted">No incidents reported.</p>
          ) : (
            <>
              {page.past_incidents.map((i) => (
                <IncidentCard key={i.id} incident={i} />
              ))}
              {page.past_incidents_next_cursor ? (
                <p>
                  <a className="underline" href={`/status/${page.slug}/history?cursor=${page.past_incidents_next_cursor}`}>
                    Older incidents
                  </a>
                </p>
              ) : null}
            </>
          )}
        </section>
      ) : null}
      <p className="sr-only">Page generated {formatDateTime(page.generated_at)}.</p>
    </PageFrame>
  );
}
