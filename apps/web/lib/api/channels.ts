'use client';
import { AlertList, Channel, ChannelList, CreatedChannel, TestAlertResult, type AlertStatus, type CreateChannelBody, type UpdateChannelBody } from '@sentrypulse/shared';
import { qs, request, requestVoid } from './client';
import { useApi } from './hooks';

export const channelPaths = {
  list: (teamId: number) => `/api/teams/${teamId}/channels?limit=100`,
  one: (teamId: number, id: number) => `/api/teams/${teamId}/channels/${id}`,
  alerts: (teamId: number, q: { channel_id?: number; status?: AlertStatus } = {}) => `/api/teams/${teamId}/alerts${qs({ limit: 50, ...q })}`,
};

export const useChannels = (teamId: number | null) => useApi(ChannelList, teamId ? channelPaths.list(teamId) : null);
/** The delivery log refreshes on its own so a "send test" result appears without a reload. */
export const useAlerts = (teamId: number | null, q: { channel_id?: number; status?: AlertStatus } = {}) =>
  useApi(AlertList, teamId ? channelPaths.alerts(teamId, q) : null, { refreshInterval: 5_000 });

export const createChannel = (teamId: number, body: CreateChannelBody) => request(CreatedChannel, `/api/teams/${teamId}/channels`, { method: 'POST', body });
export const updateChannel = (teamId: number, id: number, body: UpdateChannelBody) => request(Channel, channelPaths.one(teamId, id), { method: 'PATCH', body });
export const deleteChannel = (teamId: number, id: number) => requestVoid(channelPaths.one(teamId, id), { method: 'DELETE' });
export const sendTestAlert = (teamId: number, id: number) => request(TestAlertResult, `${channelPaths.one(teamId, id)}/test`, { method: 'POST', body: {} });
