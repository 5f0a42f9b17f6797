'use client';
import { PublicStatusPage, StatusPage, StatusPageList, type CreateStatusPageBody, type UpdateStatusPageBody } from '@sentrypulse/shared';
import { request, requestVoid } from './client';
import { useApi } from './hooks';

export const statusPagePaths = {
  list: (teamId: number) => `/api/teams/${teamId}/status-pages?limit=100`,
  one: (teamId: number, id: number) => `/api/teams/${teamId}/status-pages/${id}`,
  preview: (teamId: number, id: number) => `/api/teams/${teamId}/status-pages/${id}/preview`,
};

export const useStatusPages = (teamId: number | null) => useApi(StatusPageList, teamId ? statusPagePaths.list(teamId) : null);
export const useStatusPage = (teamId: number | null, id: number | null) => useApi(StatusPage, teamId && id ? statusPagePaths.one(teamId, id) : null);
export const useStatusPagePreview = (teamId: number | null, id: number | null) =>
  useApi(PublicStatusPage, teamId && id ? statusPagePaths.preview(teamId, id) : null, { refreshInterval: 15_000 });

export const createStatusPage = (teamId: number, body: CreateStatusPageBody) => request(StatusPage, `/api/teams/${teamId}/status-pages`, { method: 'POST', body });
export const updateStatusPage = (teamId: number, id: number, body: UpdateStatusPageBody) => request(StatusPage, statusPagePaths.one(teamId, id), { method: 'PATCH', body });
export const deleteStatusPage = (teamId: number, id: number) => requestVoid(statusPagePaths.one(teamId, id), { method: 'DELETE' });
