'use client';
import { IncidentStatus, IncidentUpdateBody, PostmortemBody } from '@sentrypulse/shared';
import Link from 'next/link';
import { useParams } from 'next/navigation';
import { Fragment, useEffect, useState } from 'react';
import { IncidentStatusBadge, SeverityBadge } from '@/components/incidents/badges';
import { EscalationState } from '@/components/escalation/escalation-state';
import { IncidentScope } from '@/components/incidents/scope';
import { Button } from '@/components/ui/button';
import { Card, PageHeader } from '@/components/ui/card';
import { FormError, SelectField, TextArea } from '@/components/ui/field';
import { ErrorState, SkeletonRows } from '@/components/ui/states';
import { messageOf } from '@/lib/api/errors';
import { useMembers } from '@/lib/api/hooks';
import { acknowledgeIncident, postIncidentUpdate, savePostmortem, useIncident } from '@/lib/api/incidents';
import { useMonitors } from '@/lib/api/monitors';
import { useStatusPages } from '@/lib/api/status-pages';
import { useZodForm } from '@/lib/forms';
import { formatDateTime, formatDuration } from '@/lib/format';
import { teamHref, useCurrentTeam } from '@/lib/team';

export default function IncidentDetailPage() {
  const { teamId, can } = useCurrentTeam();
  const id = Number(useParams<{ incidentId: string }>().incidentId);
  const { data: incident, error, mutate } = useIncident(teamId, id);
  const members = useMembers(teamId);
  const monitors = useMonitors(teamId);
  const pages = useStatusPages(teamId);
  const who = (userId: number | null) => (userId ? (members.data?.items.find((m) => m.user_id === userId)?.name ?? `user #${userId}`) : 'SentryPulse');
  const [status, setStatus] = useState<IncidentStatus>('identified');
  const [message, setMessage] = useState('');
  const [postmortem, setPostmortem] = useState('');
  const [ackError, setAckError] = useState<string | null>(null);
  const [acking, setAcking] = useState(false);
  useEffect(() => {
    if (incident && incident.status !== 'resolved') setStatus(incident.status === 'investigating' ? 'identified' : incident.status);
    if (incident?.postmortem) setPostmortem(incident.postmortem);
  }, [incident?.id, incident?.status, incident?.postmortem]);

  const update = useZodForm(IncidentUpdateBody, async (body) => {
    const updated = await postIncidentUpdate(teamId!, id, body);
    setMessage('');
    await mutate(updated, { revalidate: false });
  });
  const pm = useZodForm(PostmortemBody, async (body) => {
    await mutate(await savePostmortem(teamId!, id, body.postmortem), { revalidate: false });
  });

  if (!teamId) return null;
  if (error && !incident) return <ErrorState error={error} onRetry={() => mutate()} />;
  if (!incident) return <SkeletonRows rows={4} height="h-20" />;
  const open = incident.status !== 'resolved';
  const timeline = [...incident.updates].sort((a, b) => Date.parse(b.created_at) - Date.parse(a.created_at));
  // The acknowledgement is a timeline entry of its own (SPEC 11), placed by time among the updates (newest first).
  const ackAt = incident.acknowledged_at ? Date.parse(incident.acknowledged_at) : null;
  const ackIndex = ackAt === null ? -1 : (() => {
    const j = timeline.findIndex((u) => Date.parse(u.created_at) <= ackAt);
    return j === -1 ? timeline.length : j;
  })();
  const ackBefore = (i: number) => i === ackIndex;
  const AckEntry = () => (
    <li className="relative" data-testid="timeline-ack">
      <span className="absolute -left-[26px] top-1 size-3 rounded-full border-2 border-surface bg-up" aria-hidden />
      <div className="flex flex-wrap items-center gap-2">
        <span className="text-sm font-medium">Acknowledged</span>
        <span className="text-xs text-fg-muted">
          {formatDateTime(incident.acknowledged_at!)} · {incident.acknowledged_via ?? who(incident.acknowledged_by)}
        </span>
      </div>
    </li>
  );

  return (
    <>
      <PageHeader
        title={incident.title}
        description={
          <span className="flex flex-wrap items-center gap-2">
            <IncidentStatusBadge status={incident.status} />
            <SeverityBadge severity={incident.severity} />
            <span>started {formatDateTime(incident.started_at)}</span>
            {incident.resolved_at ? <span>· lasted {formatDuration((Date.parse(incident.resolved_at) - Date.parse(incident.started_at)) / 1000)}</span> : null}
          </span>
        }
        actions={
          open && can('incidents.respond') && !incident.acknowledged_at ? (
            <Button
              busy={acking}
              onClick={async () => {
                setAcking(true);
                setAckError(null);
                try {
                  await mutate(await acknowledgeIncident(teamId, id), { revalidate: false });
                } catch (err) {
                  setAckError(messageOf(err));
                } finally {
                  setAcking(false);
                }
              }}
            >
              Acknowledge
            </Button>
          ) : null
        }
      />
      <FormError message={ackError} />
      {incident.acknowledged_at ? (
        <p className="mb-4 text-sm text-fg-muted" data-testid="acknowledged">
          Acknowledged by {incident.acknowledged_via ?? who(incident.acknowledged_by)} {formatDateTime(incident.acknowledged_at)}
        </p>
      ) : null}
      <EscalationState teamId={teamId} incidentId={id} />
      <div className="grid gap-6 lg:grid-cols-[2fr_1fr]">
        <div className="grid min-w-0 gap-6">
          {open && can('incidents.respond') ? (
            <Card title="Post an update">
              <form
                noValidate
                className="space-y-3"
                onSubmit={(e) => {
                  e.preventDefault();
                  void update.submit({ status, message });
                }}
              >
                <SelectField label="Status" name="status" value={status} onChange={(e) => setStatus(e.target.value as IncidentStatus)} error={update.errors.status}>
                  {IncidentStatus.options.map((s) => (
                    <option key={s} value={s}>
                      {s}
                    </option>
                  ))}
                </SelectField>
                <TextArea label="Message" name="message" rows={3} value={message} onChange={(e) => setMessage(e.target.value)} error={update.errors.message} placeholder="What do you know, what are you doing?" />
                <FormError message={update.formError} />
                <Button type="submit" busy={update.submitting}>
                  {status === 'resolved' ? 'Post and resolve' : 'Post update'}
                </Button>
              </form>
            </Card>
          ) : null}
          <Card title="Timeline">
            <ol className="relative space-y-5 border-l border-border pl-5" data-testid="timeline">
              {timeline.map((u, i) => (
                <Fragment key={u.id}>
                {ackBefore(i) ? <AckEntry /> : null}
                <li className="relative">
                  <span className="absolute -left-[26px] top-1 size-3 rounded-full border-2 border-surface bg-brand" aria-hidden />
                  <div className="flex flex-wrap items-center gap-2">
                    <IncidentStatusBadge status={u.status} />
                    <span className="text-xs text-fg-muted">
                      {formatDateTime(u.created_at)} · {who(u.created_by)}
                    </span>
                  </div>
                  <p className="mt-1 whitespace-pre-wrap break-words text-sm">{u.message}</p>
                </li>
                </Fragment>
              ))}
              {ackBefore(timeline.length) ? <AckEntry /> : null}
            </ol>
          </Card>
          {!open ? (
            <Card title="Postmortem">
              {can('incidents.write') ? (
                <form
                  noValidate
                  className="space-y-3"
                  onSubmit={(e) => {
                    e.preventDefault();
                    void pm.submit({ postmortem });
                  }}
                >
                  <TextArea label="What happened and what changes" name="postmortem" rows={8} value={postmortem} onChange={(e) => setPostmortem(e.target.value)} error={pm.errors.postmortem} />
                  <FormError message={pm.formError} />
                  <Button type="submit" busy={pm.submitting}>
                    Save postmortem
                  </Button>
                </form>
              ) : (
                <p className="whitespace-pre-wrap text-sm">{incident.postmortem ?? 'No postmortem yet.'}</p>
              )}
            </Card>
          ) : null}
        </div>
        <div className="grid content-start gap-6">
        <Card title="Affected monitors" className="self-start">
          {incident.monitor_ids.length === 0 ? <p className="text-sm text-fg-muted">None</p> : null}
          <ul className="space-y-1">
            {incident.monitor_ids.map((mid) => (
              <li key={mid}>
                <Link className="text-sm text-brand hover:underline" href={teamHref(teamId, `/monitors/${mid}`)}>
                  {monitors.data?.items.find((m) => m.id === mid)?.name ?? `Monitor #${mid}`}
                </Link>
              </li>
            ))}
          </ul>
        </Card>
        {can('incidents.write') && monitors.data && pages.data ? (
          <IncidentScope key={incident.id} teamId={teamId} incident={incident} monitors={monitors.data.items} pages={pages.data.items} onSaved={(i) => void mutate(i, { revalidate: false })} />
        ) : null}
        </div>
      </div>
    </>
  );
}
