'use client';
import {
  Incident,
  IncidentList,
  Maintenance,
  MaintenanceList,
  type CreateIncidentBody,
  type CreateMaintenanceBody,
  type IncidentStatus,
} from '@sentrypulse/shared';
import { qs, request, requestVoid } from './client';
import { useApi } from './hooks';

export const incidentPaths = {
  list: (teamId: number, q: { status?: 'open' | 'resolved'; monitor_id?: number; limit?: number } = {}) =>
    `/api/teams/${teamId}/incidents${qs({ limit: q.limit ?? 50, status: q.status, monitor_id: q.monitor_id })}`,
  one: (teamId: number, id: number) => `/api/teams/${teamId}/incidents/${id}`,
  maintenance: (teamId: number, when: 'upcoming' | 'active' | 'past' | 'all' = 'all') => `/api/teams/${teamId}/maintenance${qs({ when, limit: 100 })}`,
};

export const useIncidents = (teamId: number | null, q: { status?: 'open' | 'resolved'; monitor_id?: number; limit?: number } = {}) =>
  useApi(IncidentList, teamId ? incidentPaths.list(teamId, q) : null, { refreshInterval: 10_000 });
export const useIncident = (teamId: number | null, id: number | null) =>
  useApi(Incident, teamId && id ? incidentPaths.one(teamId, id) : null, { refreshInterval: 10_000 });
export const useMaintenance = (teamId: number | null) => useApi(MaintenanceList, teamId ? incidentPaths.maintenance(teamId) : null);

export const createIncident = (teamId: number, body: CreateIncidentBody) =>
  request(Incident, `/api/teams/${teamId}/incidents`, { method: 'POST', body });
export const postIncidentUpdate = (teamId: number, id: number, body: { status: IncidentStatus; message: string }) =>
  request(Incident, `${incidentPaths.one(teamId, id)}/updates`, { method: 'POST', body });
export const acknowledgeIncident = (teamId: number, id: number) =>
  request(Incident, `${incidentPaths.one(teamId, id)}/acknowledge`, { method: 'POST', body: {} });
export const editIncident = (teamId: number, id: number, body: { title?: string; severity?: 'critical' | 'major' | 'minor'; monitor_ids?: number[]; status_page_ids?: number[] }) =>
  request(Incident, incidentPaths.one(teamId, id), { method: 'PATCH', body });
export const savePostmortem = (teamId: number, id: number, postmortem: string) =>
  request(Incident, `${incidentPaths.one(teamId, id)}/postmortem`, { method: 'PUT', body: { postmortem } });

export const createMaintenance = (teamId: number, body: CreateMaintenanceBody) =>
  request(Maintenance, `/api/teams/${teamId}/maintenance`, { method: 'POST', body });
export const endMaintenance = (teamId: number, id: number) => request(Maintenance, `/api/teams/${teamId}/maintenance/${id}/end`, { method: 'POST' });
export const deleteMaintenance = (teamId: number, id: number) => requestVoid(`/api/teams/${teamId}/maintenance/${id}`, { method: 'DELETE' });
