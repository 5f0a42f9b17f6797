'use client';
import { BadgeSettings, DomainStatus, NoticeSettings, SubscriberList, type BadgeSettings as BadgeSettingsT } from '@sentrypulse/shared';
import { MaintenanceSeries, RecurrencePreview, type MaintenanceSeriesBody } from '@sentrypulse/shared/recurrence';
import { z } from 'zod';
import { request, requestVoid } from './client';
import { useApi } from './hooks';
import { getAccessToken } from './session';

/** Subscribers, notices, custom-domain verification, badges and recurring maintenance (SPEC 10). */
export const subscriberPaths = {
  list: (teamId: number, pageId: number, q = '', cursor?: string) =>
    `/api/teams/${teamId}/status-pages/${pageId}/subscribers?limit=50${q ? `&q=${encodeURIComponent(q)}` : ''}${cursor ? `&cursor=${cursor}` : ''}`,
  csv: (teamId: number, pageId: number) => `/api/teams/${teamId}/status-pages/${pageId}/subscribers.csv`,
  one: (teamId: number, pageId: number, id: string) => `/api/teams/${teamId}/status-pages/${pageId}/subscribers/${id}`,
  notices: (teamId: number, pageId: number) => `/api/teams/${teamId}/status-pages/${pageId}/notices`,
  domain: (teamId: number, pageId: number) => `/api/teams/${teamId}/status-pages/${pageId}/domain`,
  badge: (teamId: number, monitorId: number) => `/api/teams/${teamId}/monitors/${monitorId}/badge`,
  series: (teamId: number) => `/api/teams/${teamId}/maintenance-series`,
};

export const useSubscribers = (teamId: number | null, pageId: number | null, q: string) => useApi(SubscriberList, teamId && pageId ? subscriberPaths.list(teamId, pageId, q) : null);
export const useNoticeSettings = (teamId: number | null, pageId: number | null) => useApi(NoticeSettings, teamId && pageId ? subscriberPaths.notices(teamId, pageId) : null);
export const useDomainStatus = (teamId: number | null, pageId: number | null) => useApi(DomainStatus, teamId && pageId ? subscriberPaths.domain(teamId, pageId) : null);
export const useBadge = (teamId: number | null, monitorId: number | null) => useApi(BadgeSettings, teamId && monitorId ? subscriberPaths.badge(teamId, monitorId) : null);
export const useSeries = (teamId: number | null) => useApi(z.object({ items: z.array(MaintenanceSeries), next_cursor: z.string().nullable() }), teamId ? `${subscriberPaths.series(teamId)}?limit=100` : null);

export const removeSubscriber = (teamId: number, pageId: number, id: string) => requestVoid(subscriberPaths.one(teamId, pageId, id), { method: 'DELETE' });
export const setNoticesPaused = (teamId: number, pageId: number, paused: boolean) => request(NoticeSettings, subscriberPaths.notices(teamId, pageId), { method: 'PUT', body: { notices_paused: paused } });
export const checkDomainNow = (teamId: number, pageId: number) => request(DomainStatus, `${subscriberPaths.domain(teamId, pageId)}/verify`, { method: 'POST' });
export const setBadge = (teamId: number, monitorId: number, body: { enabled: boolean; label?: string | null }): Promise<BadgeSettingsT> => request(BadgeSettings, subscriberPaths.badge(teamId, monitorId), { method: 'PUT', body });
export const previewSeries = (teamId: number, body: Pick<MaintenanceSeriesBody, 'rrule' | 'timezone' | 'starts_at_local' | 'duration_minutes'>) =>
  request(RecurrencePreview, `${subscriberPaths.series(teamId)}/preview`, { method: 'POST', body });
export const createSeries = (teamId: number, body: MaintenanceSeriesBody) => request(MaintenanceSeries, subscriberPaths.series(teamId), { method: 'POST', body });
export const deleteSeries = (teamId: number, id: number) => requestVoid(`${subscriberPaths.series(teamId)}/${id}`, { method: 'DELETE' });

/** The CSV needs the bearer token, so it is fetched and handed to the browser as a download. */
export async function downloadSubscribersCsv(teamId: number, pageId: number): Promise<void> {
  const token = await getAccessToken();
  const res = await fetch(subscriberPaths.csv(teamId, pageId), { headers: token ? { authorization: `Bearer ${token}` } : {}, credentials: 'same-origin' });
  if (!res.ok) throw new Error(`export failed (${res.status})`);
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = `subscribers-${pageId}.csv`;
  a.click();
  URL.revokeObjectURL(url);
}
