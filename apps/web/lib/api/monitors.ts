'use client';
import {
  CheckList,
  CheckNowResult,
  Monitor,
  MonitorList,
  MonitorStats,
  type CreateMonitorBody,
  type UpdateMonitorBody,
} from '@sentrypulse/shared';
import useSWR from 'swr';
import { request, requestVoid } from './client';
import { useApi } from './hooks';
import { fetchAll } from './pages';

export const monitorPaths = {
  list: (teamId: number) => `/api/teams/${teamId}/monitors`,
  one: (teamId: number, id: number) => `/api/teams/${teamId}/monitors/${id}`,
  checks: (teamId: number, id: number, limit = 50) => `/api/teams/${teamId}/monitors/${id}/checks?limit=${limit}`,
  stats: (teamId: number, id: number, range: '1h' | '24h' | '7d') => `/api/teams/${teamId}/monitors/${id}/stats?range=${range}`,
};

/** Monitor status changes must show within seconds: the list and detail poll every 5 s. */
export const LIVE_REFRESH_MS = 5_000;

export function useMonitors(teamId: number | null) {
  return useSWR(teamId ? ['monitors', teamId] : null, () => fetchAll(MonitorList, monitorPaths.list(teamId!)), { refreshInterval: LIVE_REFRESH_MS });
}
export const useMonitor = (teamId: number | null, id: number | null) =>
  useApi(Monitor, teamId && id ? monitorPaths.one(teamId, id) : null, { refreshInterval: LIVE_REFRESH_MS });
export const useChecks = (teamId: number | null, id: number | null, limit = 50, live = true) =>
  useApi(CheckList, teamId && id ? monitorPaths.checks(teamId, id, limit) : null, live ? { refreshInterval: LIVE_REFRESH_MS } : { revalidateOnFocus: false });
export const useMonitorStats = (teamId: number | null, id: number | null, range: '1h' | '24h' | '7d' = '24h') =>
  useApi(MonitorStats, teamId && id ? monitorPaths.stats(teamId, id, range) : null, { refreshInterval: 30_000 });

export const createMonitor = (teamId: number, body: CreateMonitorBody) => request(Monitor, monitorPaths.list(teamId), { method: 'POST', body });
export const updateMonitor = (teamId: number, id: number, body: UpdateMonitorBody) =>
  request(Monitor, monitorPaths.one(teamId, id), { method: 'PATCH', body });
export const deleteMonitor = (teamId: number, id: number) => requestVoid(monitorPaths.one(teamId, id), { method: 'DELETE' });
export const checkNow = (teamId: number, id: number) =>
  request(CheckNowResult, `${monitorPaths.one(teamId, id)}/check-now`, { method: 'POST', body: {} });
export const setMonitorPaused = (teamId: number, id: number, paused: boolean) =>
  request(Monitor, `${monitorPaths.one(teamId, id)}/${paused ? 'pause' : 'resume'}`, { method: 'POST', body: {} });
