'use client';
import { EscalationPolicy, EscalationPolicyList, IncidentEscalation, type CreateEscalationPolicyBody, type UpdateEscalationPolicyBody } from '@sentrypulse/shared';
import { z } from 'zod';
import { request, requestVoid } from './client';
import { useApi } from './hooks';

export const escalationPaths = {
  list: (teamId: number) => `/api/teams/${teamId}/escalation-policies?limit=100`,
  one: (teamId: number, id: number) => `/api/teams/${teamId}/escalation-policies/${id}`,
  incident: (teamId: number, incidentId: number) => `/api/teams/${teamId}/incidents/${incidentId}/escalation`,
};

export const usePolicies = (teamId: number | null) => useApi(EscalationPolicyList, teamId ? escalationPaths.list(teamId) : null);
export const useIncidentEscalation = (teamId: number | null, incidentId: number | null) =>
  useApi(IncidentEscalation.nullable(), teamId && incidentId ? escalationPaths.incident(teamId, incidentId) : null, { shouldRetryOnError: false, refreshInterval: 10_000 });

export const createPolicy = (teamId: number, body: CreateEscalationPolicyBody) => request(EscalationPolicy, `/api/teams/${teamId}/escalation-policies`, { method: 'POST', body });
export const updatePolicy = (teamId: number, id: number, body: UpdateEscalationPolicyBody) => request(EscalationPolicy, escalationPaths.one(teamId, id), { method: 'PATCH', body });
export const deletePolicy = (teamId: number, id: number) => requestVoid(escalationPaths.one(teamId, id), { method: 'DELETE' });

export const AckPreview = z.object({
  incident: z.object({ id: z.number(), title: z.string(), status: z.string(), severity: z.string(), started_at: z.string() }),
  acknowledged_at: z.string().nullable(),
  acknowledged_via: z.string().nullable(),
  used: z.boolean(),
  expires_at: z.string(),
});
export const ackPath = (token: string) => `/api/public/ack/${encodeURIComponent(token)}`;
export const acknowledgeFromLink = (token: string, incidentId: number) =>
  request(z.object({ incident_id: z.number(), acknowledged_at: z.string(), acknowledged_via: z.string() }), ackPath(token), { method: 'POST', body: { incident_id: incidentId } });
