'use client';
import { PLAN_LIMITS, Plan, can, type PlanLimits, type Team } from '@sentrypulse/shared';
import { useState } from 'react';
import { useSWRConfig } from 'swr';
import { Badge, Card } from '../ui/card';
import { Button } from '../ui/button';
import { FormError } from '../ui/field';
import { messageOf } from '../../lib/api/errors';
import { changePlan, teamPaths } from '../../lib/api/teams';
import { formatCompact, formatInterval } from '../../lib/format';

const ROWS: { key: keyof PlanLimits; label: string; format?: (n: number) => string }[] = [
  { key: 'monitors', label: 'Monitors' },
  { key: 'min_interval_seconds', label: 'Shortest check interval', format: formatInterval },
  { key: 'sites', label: 'Analytics sites' },
  { key: 'status_pages', label: 'Status pages' },
  { key: 'members', label: 'Members' },
];

/** Plan and limits side by side; `usage` fills in the counts the page knows. */
export function PlanCard({ team, usage = {} }: { team: Team; usage?: Partial<Record<keyof PlanLimits, number>> }) {
  const { mutate } = useSWRConfig();
  const [busy, setBusy] = useState<Plan | null>(null);
  const [error, setError] = useState<string | null>(null);
  const owner = can(team.role, 'team.plan');
  return (
    <Card title={<span className="flex items-center gap-2">Plan and limits <Badge tone="brand">{team.plan}</Badge></span>}>
      <div className="overflow-x-auto">
        <table className="w-full text-sm">
          <thead>
            <tr className="text-left text-xs text-fg-muted">
              <th className="py-2 font-medium">Limit</th>
              {Plan.options.map((p) => (
                <th key={p} className={`py-2 font-medium capitalize ${p === team.plan ? 'text-brand' : ''}`} scope="col">
                  {p}
                </th>
              ))}
            </tr>
          </thead>
          <tbody className="divide-y divide-border">
            {ROWS.map((row) => (
              <tr key={row.key}>
                <th scope="row" className="py-2 text-left font-normal">
                  {row.label}
                  {usage[row.key] !== undefined ? <span className="ml-2 text-xs text-fg-muted">({usage[row.key]} used)</span> : null}
                </th>
                {Plan.options.map((p) => (
                  <td key={p} className={`py-2 tabular-nums ${p === team.plan ? 'font-semibold' : 'text-fg-muted'}`}>
                    {(row.format ?? formatCompact)(PLAN_LIMITS[p][row.key])}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {owner ? (
        <div className="mt-4 flex flex-wrap gap-2">
          {Plan.options
            .filter((p) => p !== team.plan)
            .map((p) => (
              <Button
                key={p}
                variant="secondary"
                busy={busy === p}
                onClick={async () => {
                  setBusy(p);
                  setError(null);
                  try {
                    await changePlan(team.id, p);
                    await mutate(teamPaths.list);
                  } catch (err) {
                    setError(messageOf(err));
                  } finally {
                    setBusy(null);
                  }
                }}
              >
                Switch to {p}
              </Button>
            ))}
        </div>
      ) : (
        <p className="mt-4 text-xs text-fg-muted">Only the owner can change the plan.</p>
      )}
      <div className="mt-3">
        <FormError message={error} />
      </div>
    </Card>
  );
}
