import type { Kysely, Transaction } from 'kysely';
import type { IncidentRef, IncidentWrite, OutageRef } from '@sentrypulse/shared';
import type { Database, IncidentEventType } from '../schema';

/**
 * Writes a check batch's incident and outage steps, in the plan's order (ADR 0102): the plan has
 * decided every value; this only maps its planned rows to the ids MySQL hands out. Returns the
 * ids of the incident events written (the outbox the alert dispatcher reads, ADR 0021).
 * Incidents are rare next to checks, so these are single-row statements.
 */
export async function applyIncidentWrites(trx: Transaction<Database>, writes: readonly IncidentWrite[]): Promise<string[]> {
  const incidentIds = new Map<number, number>();
  const outageIds = new Map<number, string>();
  const incident = (ref: IncidentRef) => ('id' in ref ? ref.id : incidentIds.get(ref.planned)!);
  const outage = (ref: OutageRef) => ('id' in ref ? ref.id : outageIds.get(ref.planned)!);
  const eventIds: string[] = [];
  for (const w of writes) {
    switch (w.type) {
      case 'open_incident': {
        const id = await openIncident(trx, w);
        incidentIds.set(w.ref, id);
        eventIds.push(await insertEvent(trx, w.team_id, id, w.monitor_id, null, w.event));
        break;
      }
      case 'change_cause': {
        const id = incident(w.incident);
        await trx.updateTable('incidents').set({ cause: w.cause, title: w.title, severity: w.severity, status: w.status, updated_at: w.at }).where('id', '=', id).execute();
        const upd = await trx.insertInto('incident_updates').values({ incident_id: id, team_id: w.team_id, status: w.status, message: w.message, created_by: null }).executeTakeFirstOrThrow();
        eventIds.push(await insertEvent(trx, w.team_id, id, w.monitor_id, Number(upd.insertId), w.event));
        break;
      }
      case 'resolve_incident':
        eventIds.push(...(await resolveIncident(trx, w.team_id, incident(w.incident), w.monitor_id, w.at, w.message)));
        break;
      case 'start_outage': {
        const res = await trx
          .insertInto('monitor_outages')
          .values({ monitor_id: w.monitor_id, team_id: w.team_id, incident_id: w.incident ? incident(w.incident) : null, started_at: w.started_at })
          .executeTakeFirstOrThrow();
        outageIds.set(w.ref, String(res.insertId));
        break;
      }
      case 'end_outage':
        await trx.updateTable('monitor_outages').set({ ended_at: w.at }).where('id', '=', outage(w.outage)).execute();
        break;
    }
  }
  return eventIds;
}

async function openIncident(trx: Transaction<Database>, w: Extract<IncidentWrite, { type: 'open_incident' }>): Promise<number> {
  const res = await trx
    .insertInto('incidents')
    .values({ team_id: w.team_id, monitor_id: w.monitor_id, kind: w.kind, cause: w.cause, title: w.title, status: 'investigating', severity: w.severity, started_at: w.started_at })
    .executeTakeFirstOrThrow();
  const id = Number(res.insertId);
  await trx.insertInto('incident_monitors').values({ incident_id: id, monitor_id: w.monitor_id, team_id: w.team_id }).execute();
  await trx.insertInto('incident_updates').values({ incident_id: id, team_id: w.team_id, status: 'investigating', message: w.message, created_by: null }).execute();
  return id;
}

export async function resolveIncident(
  trx: Transaction<Database>,
  teamId: number,
  incidentId: number,
  monitorId: number | null,
  at: Date,
  message: string,
  userId: number | null = null,
): Promise<string[]> {
  await trx.updateTable('incidents').set({ status: 'resolved', resolved_at: at, updated_at: new Date() }).where('id', '=', incidentId).where('team_id', '=', teamId).execute();
  const upd = await trx.insertInto('incident_updates').values({ incident_id: incidentId, team_id: teamId, status: 'resolved', message, created_by: userId }).executeTakeFirstOrThrow();
  return [await insertEvent(trx, teamId, incidentId, monitorId, Number(upd.insertId), 'incident.resolved')];
}

export async function insertEvent(
  trx: Kysely<Database> | Transaction<Database>,
  teamId: number,
  incidentId: number,
  monitorId: number | null,
  updateId: number | null,
  type: IncidentEventType,
): Promise<string> {
  const res = await trx.insertInto('incident_events').values({ team_id: teamId, incident_id: incidentId, monitor_id: monitorId, update_id: updateId, type }).executeTakeFirstOrThrow();
  return String(res.insertId);
}
