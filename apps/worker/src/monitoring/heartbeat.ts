/**
 * Heartbeat monitors have no runner: the monitored job pings POST /api/heartbeat/:token, and each
 * scheduled tick asks whether a ping arrived within interval + grace. Pure function.
 */
export interface HeartbeatMonitor {
  interval_seconds: number;
  heartbeat_grace_seconds: number | null;
  last_heartbeat_at: Date | null;
  created_at: Date;
}

export type HeartbeatVerdict = { status: 'up' | 'down'; error: string | null } | null;

export function evaluateHeartbeat(m: HeartbeatMonitor, now: number): HeartbeatVerdict {
  const windowMs = (m.interval_seconds + (m.heartbeat_grace_seconds ?? 0)) * 1000;
  const last = m.last_heartbeat_at?.getTime() ?? null;
  if (last === null) {
    // Never pinged: nothing to say until a full period has passed since the monitor was created.
    if (now - m.created_at.getTime() <= windowMs) return null;
    return { status: 'down', error: `no heartbeat received (expected every ${m.interval_seconds} s)` };
  }
  const age = now - last;
  if (age <= windowMs) return { status: 'up', error: null };
  return { status: 'down', error: `no heartbeat for ${Math.floor(age / 1000)} s (expected every ${m.interval_seconds} s + ${m.heartbeat_grace_seconds ?? 0} s grace)` };
}
