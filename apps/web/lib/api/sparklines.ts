'use client';
import { MAX_SPARKLINE_IDS, Sparklines, type SparklinePoint } from '@sentrypulse/shared';
import { useEffect, useRef } from 'react';
import useSWR from 'swr';
import { request } from './client';

export const sparklinePath = (teamId: number, ids: number[]) => `/api/teams/${teamId}/monitors/sparklines?ids=${ids.join(',')}`;

/** How long a batch stays open: rows revealed within one frame share a request. */
const BATCH_WINDOW_MS = 16;

type Waiter = { resolve(checks: SparklinePoint[] | null): void; reject(err: unknown): void };
/** teamId → monitorId → callers waiting for that monitor's checks. */
let pending = new Map<number, Map<number, Waiter[]>>();
let timer: ReturnType<typeof setTimeout> | null = null;

function flush() {
  timer = null;
  const batch = pending;
  pending = new Map();
  for (const [teamId, waiting] of batch) {
    const ids = [...waiting.keys()];
    for (let i = 0; i < ids.length; i += MAX_SPARKLINE_IDS) {
      const chunk = ids.slice(i, i + MAX_SPARKLINE_IDS);
      request(Sparklines, sparklinePath(teamId, chunk)).then(
        (res) => {
          const byId = new Map(res.items.map((item) => [item.monitor_id, item.checks]));
          for (const id of chunk) for (const w of waiting.get(id)!) w.resolve(byId.get(id) ?? null);
        },
        (err) => {
          for (const id of chunk) for (const w of waiting.get(id)!) w.reject(err);
        },
      );
    }
  }
}

/**
 * A monitor's last 30 checks, oldest first (null: not a monitor of the team). Calls made within
 * one frame are sent together: one request per 100 monitors (ADR 0084).
 */
export function loadSparkline(teamId: number, monitorId: number): Promise<SparklinePoint[] | null> {
  return new Promise((resolve, reject) => {
    let waiting = pending.get(teamId);
    if (!waiting) pending.set(teamId, (waiting = new Map()));
    const list = waiting.get(monitorId) ?? [];
    list.push({ resolve, reject });
    waiting.set(monitorId, list);
    timer ??= setTimeout(flush, BATCH_WINDOW_MS);
  });
}

/**
 * The sparkline of one visible row. It is fetched again, in the same batches, when the list's
 * 5 s poll shows a newer check for the monitor (`lastCheckedAt` changes).
 */
export function useSparkline(teamId: number, monitorId: number, lastCheckedAt: string) {
  const swr = useSWR(['sparkline', teamId, monitorId], () => loadSparkline(teamId, monitorId), {
    revalidateOnFocus: false,
    revalidateOnReconnect: false,
  });
  const seen = useRef(lastCheckedAt);
  const { mutate } = swr;
  useEffect(() => {
    if (seen.current === lastCheckedAt) return;
    seen.current = lastCheckedAt;
    void mutate();
  }, [lastCheckedAt, mutate]);
  return swr;
}
