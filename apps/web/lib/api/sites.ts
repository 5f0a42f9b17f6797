'use client';
import {
  BreakdownResponse,
  RealtimeResponse,
  Site,
  SiteList,
  StatsResponse,
  type BreakdownProperty,
  type CreateSiteBody,
  type UpdateSiteBody,
} from '@sentrypulse/shared';
import { qs, request, requestBlob, requestVoid } from './client';
import { useApi } from './hooks';

export interface StatsParams {
  from: string;
  to: string;
  filter?: string;
}

export const sitePaths = {
  list: (teamId: number) => `/api/teams/${teamId}/sites?limit=100`,
  one: (teamId: number, id: number) => `/api/teams/${teamId}/sites/${id}`,
  stats: (teamId: number, id: number, p: StatsParams) => `/api/teams/${teamId}/sites/${id}/stats${qs({ from: p.from, to: p.to, filter: p.filter })}`,
  breakdown: (teamId: number, id: number, property: BreakdownProperty, p: StatsParams, limit: number) =>
    `/api/teams/${teamId}/sites/${id}/breakdown${qs({ property, from: p.from, to: p.to, filter: p.filter, limit })}`,
  realtime: (teamId: number, id: number) => `/api/teams/${teamId}/sites/${id}/realtime`,
  export: (teamId: number, id: number, p: StatsParams, property?: BreakdownProperty) =>
    `/api/teams/${teamId}/sites/${id}/export${qs({ from: p.from, to: p.to, filter: p.filter, property })}`,
};

const keep = { keepPreviousData: true };

export const useSites = (teamId: number | null) => useApi(SiteList, teamId ? sitePaths.list(teamId) : null);
export const useSite = (teamId: number | null, id: number | null) => useApi(Site, teamId && id ? sitePaths.one(teamId, id) : null);
export const useSiteStats = (teamId: number | null, id: number | null, p: StatsParams | null) =>
  useApi(StatsResponse, teamId && id && p ? sitePaths.stats(teamId, id, p) : null, keep);
export const useBreakdown = (teamId: number | null, id: number | null, property: BreakdownProperty, p: StatsParams | null, limit = 8) =>
  useApi(BreakdownResponse, teamId && id && p ? sitePaths.breakdown(teamId, id, property, p, limit) : null, keep);
export const useRealtime = (teamId: number | null, id: number | null) =>
  useApi(RealtimeResponse, teamId && id ? sitePaths.realtime(teamId, id) : null, { refreshInterval: 10_000 });

export const createSite = (teamId: number, body: CreateSiteBody) => request(Site, `/api/teams/${teamId}/sites`, { method: 'POST', body });
export const updateSite = (teamId: number, id: number, body: UpdateSiteBody) => request(Site, sitePaths.one(teamId, id), { method: 'PATCH', body });
export const deleteSite = (teamId: number, id: number) => requestVoid(sitePaths.one(teamId, id), { method: 'DELETE' });

/** Fetches the CSV with the access token and hands it to the browser as a download. */
export async function downloadCsv(teamId: number, id: number, p: StatsParams, filename: string, property?: BreakdownProperty) {
  const blob = await requestBlob(sitePaths.export(teamId, id, p, property));
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
