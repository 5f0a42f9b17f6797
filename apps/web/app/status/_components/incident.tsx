import type { PublicIncident } from '@sentrypulse/shared';
import { formatDateTime, INCIDENT_STATUS_TEXT } from '../_lib/format';

const SEVERITY_TEXT = { critical: 'Critical', major: 'Major', minor: 'Minor' } as const;

/**
 * One incident with its update timeline (newest first). `message_html` comes from the API's safe
 * Markdown renderer (raw HTML escaped, only http/https/mailto links), which is why it may be
 * placed as HTML; every other text is rendered by React, i.e. escaped.
 */
export function IncidentCard({ incident, headingLevel = 3 }: { incident: PublicIncident; headingLevel?: 3 | 4 }) {
  const H = headingLevel === 3 ? 'h3' : 'h4';
  const resolved = incident.status === 'resolved';
  return (
    <article id={`incident-${incident.id}`} aria-labelledby={`incident-${incident.id}-title`} className="rounded-lg border border-border bg-surface p-4 sm:p-5">
      <header className="flex flex-wrap items-baseline justify-between gap-2">
        <H id={`incident-${incident.id}-title`} className="text-base font-semibold break-words">
          {incident.title}
        </H>
        <p className="text-xs text-fg-muted">
          <span className="font-medium">{SEVERITY_TEXT[incident.severity]}</span>
          {' · '}
          {resolved ? 'Resolved' : INCIDENT_STATUS_TEXT[incident.status]}
        </p>
      </header>
      {incident.components.length > 0 ? (
        <p className="mt-1 text-sm text-fg-muted">Affects: {incident.components.join(', ')}</p>
      ) : null}
      <ol className="mt-3 space-y-3 border-l-2 border-border pl-4" aria-label="Updates, newest first">
        {incident.updates.map((u, i) => (
          <li key={`${u.created_at}-${i}`}>
            <p className="text-sm">
              <strong>{INCIDENT_STATUS_TEXT[u.status]}</strong>
              <span className="text-fg-muted">
                {' · '}
                <time dateTime={u.created_at}>{formatDateTime(u.created_at)}</time>
              </span>
            </p>
            <div className="sp-message text-sm break-words" dangerouslySetInnerHTML={{ __html: u.message_html }} />
          </li>
        ))}
      </ol>
    </article>
  );
}
