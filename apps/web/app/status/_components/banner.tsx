import type { OverallStatus } from '@sentrypulse/shared';
import { formatDateTime, OVERALL_TEXT } from '../_lib/format';

const ICON: Record<OverallStatus, string> = {
  operational: '✓',
  degraded: '!',
  partial_outage: '!',
  major_outage: '✕',
  maintenance: '⚙',
};

/** The overall status, announced politely when a refresh changes it. */
export function StatusBanner({ status, generatedAt }: { status: OverallStatus; generatedAt: string }) {
  return (
    <section aria-labelledby="sp-overall" className={`sp-tone-${status} rounded-lg px-5 py-4 text-white shadow-sm`}>
      <div className="flex flex-wrap items-center justify-between gap-2" aria-live="polite">
        <h2 id="sp-overall" className="flex items-center gap-3 text-lg font-semibold">
          <span aria-hidden="true" className="inline-flex size-7 items-center justify-center rounded-full bg-white/20 text-base">
            {ICON[status]}
          </span>
          {OVERALL_TEXT[status]}
        </h2>
        <p className="text-sm text-white">
          Updated <time dateTime={generatedAt}>{formatDateTime(generatedAt)}</time>
        </p>
      </div>
    </section>
  );
}
