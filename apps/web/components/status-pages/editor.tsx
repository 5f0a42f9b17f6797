'use client';
import { CreateStatusPageBody, UpdateStatusPageBody, type Monitor, type PublicStatusPage, type StatusPage } from '@sentrypulse/shared';
import { useMemo, useState } from 'react';
import { useZodForm } from '../../lib/forms';
import { Button } from '../ui/button';
import { Card } from '../ui/card';
import { Checkbox, FormError, TextArea, TextField } from '../ui/field';
import { StatusPagePreview, type DraftComponent } from './preview';

/** Editor on the left, live preview of the draft on the right (below on narrow screens). */
export function StatusPageEditor({
  page,
  monitors,
  saved,
  onSave,
  submitLabel,
}: {
  page?: StatusPage;
  monitors: Monitor[];
  saved?: PublicStatusPage;
  onSave: (body: Record<string, unknown>) => Promise<void>;
  submitLabel: string;
}) {
  const [slug, setSlug] = useState(page?.slug ?? '');
  const [title, setTitle] = useState(page?.title ?? '');
  const [description, setDescription] = useState(page?.description ?? '');
  const [logo, setLogo] = useState(page?.logo_url ?? '');
  const [accent, setAccent] = useState(page?.accent_color ?? '#4f46e5');
  const [customDomain, setCustomDomain] = useState(page?.custom_domain ?? '');
  const [isPublic, setIsPublic] = useState(page?.is_public ?? true);
  const [history, setHistory] = useState(page?.show_incident_history ?? true);
  const [maint, setMaint] = useState(page?.show_maintenances ?? true);
  const [components, setComponents] = useState<DraftComponent[]>(
    () => page?.components.map((c) => ({ monitor_id: c.monitor_id, name: c.name, group: c.group ?? '' })) ?? [],
  );
  const schema = page ? UpdateStatusPageBody : CreateStatusPageBody;
  const form = useZodForm(schema, async (body) => onSave(body as Record<string, unknown>));
  const unused = useMemo(() => monitors.filter((m) => !components.some((c) => c.monitor_id === m.id)), [monitors, components]);
  const move = (i: number, d: -1 | 1) =>
    setComponents((cs) => {
      const j = i + d;
      if (j < 0 || j >= cs.length) return cs;
      const next = [...cs];
      [next[i], next[j]] = [next[j]!, next[i]!];
      return next;
    });

  return (
    <div className="grid gap-6 xl:grid-cols-2">
      <form
        noValidate
        className="grid min-w-0 content-start gap-6"
        onSubmit={(e) => {
          e.preventDefault();
          void form.submit({
            slug,
            title,
            description: description || null,
            logo_url: logo || null,
            accent_color: accent || null,
            custom_domain: customDomain || null,
            is_public: isPublic,
            show_incident_history: history,
            show_maintenances: maint,
            components: components.map((c) => ({ monitor_id: c.monitor_id, name: c.name, group: c.group || null })),
          });
        }}
      >
        <Card title="Page">
          <div className="grid gap-4 sm:grid-cols-2">
            <TextField label="Title" name="title" value={title} onChange={(e) => setTitle(e.target.value)} error={form.errors.title} />
            <TextField label="Slug" name="slug" value={slug} onChange={(e) => setSlug(e.target.value)} error={form.errors.slug} hint={`Served at /status/${slug || 'your-slug'}`} />
            <div className="sm:col-span-2">
              <TextArea label="Description" name="description" rows={2} value={description} onChange={(e) => setDescription(e.target.value)} error={form.errors.description} />
            </div>
            <TextField label="Logo URL" name="logo_url" value={logo} onChange={(e) => setLogo(e.target.value)} error={form.errors.logo_url} placeholder="https://…/logo.svg" />
            <div className="flex items-end gap-2">
              <div className="flex-1">
                <TextField label="Accent colour" name="accent_color" value={accent} onChange={(e) => setAccent(e.target.value)} error={form.errors.accent_color} />
              </div>
              <input type="color" aria-label="Pick accent colour" value={/^#[0-9a-fA-F]{6}$/.test(accent) ? accent : '#4f46e5'} onChange={(e) => setAccent(e.target.value)} className={`h-9 w-12 rounded border border-border ${form.errors.accent_color ? 'mb-5' : ''}`} />
            </div>
            <TextField label="Custom domain" name="custom_domain" value={customDomain} onChange={(e) => setCustomDomain(e.target.value)} error={form.errors.custom_domain} placeholder="status.example.com" />
            <div className="flex flex-col justify-end gap-2">
              <Checkbox label="Public (anyone with the link)" checked={isPublic} onChange={(e) => setIsPublic(e.target.checked)} />
              <Checkbox label="Show incident history" checked={history} onChange={(e) => setHistory(e.target.checked)} />
              <Checkbox label="Show maintenance" checked={maint} onChange={(e) => setMaint(e.target.checked)} />
            </div>
          </div>
        </Card>
        <Card title="Components">
          {form.errors.components ? (
            <p role="alert" className="mb-2 text-xs font-medium text-down">
              {form.errors.components}
            </p>
          ) : null}
          <ol className="space-y-3">
            {components.map((c, i) => {
              const m = monitors.find((x) => x.id === c.monitor_id);
              return (
                <li key={c.monitor_id} className="rounded-md border border-border p-3">
                  <p className="mb-2 truncate text-xs text-fg-muted">Monitor: {m?.name ?? `#${c.monitor_id}`} (not shown publicly)</p>
                  <div className="grid gap-2 sm:grid-cols-2">
                    <TextField label="Display name" value={c.name} onChange={(e) => setComponents((cs) => cs.map((x, k) => (k === i ? { ...x, name: e.target.value } : x)))} error={form.errors[`components.${i}.name`]} />
                    <TextField label="Group" value={c.group} placeholder="optional" onChange={(e) => setComponents((cs) => cs.map((x, k) => (k === i ? { ...x, group: e.target.value } : x)))} error={form.errors[`components.${i}.group`]} />
                    <div className="flex items-end justify-end gap-1 sm:col-span-2">
                      <Button variant="ghost" onClick={() => move(i, -1)} disabled={i === 0} aria-label={`Move ${c.name} up`}>
                        ↑
                      </Button>
                      <Button variant="ghost" onClick={() => move(i, 1)} disabled={i === components.length - 1} aria-label={`Move ${c.name} down`}>
                        ↓
                      </Button>
                      <Button variant="ghost" onClick={() => setComponents((cs) => cs.filter((_, k) => k !== i))} aria-label={`Remove ${c.name}`}>
                        Remove
                      </Button>
                    </div>
                  </div>
                </li>
              );
            })}
          </ol>
          {unused.length ? (
            <label className="mt-3 flex flex-wrap items-center gap-2 text-sm">
              <span>Add a monitor:</span>
              <select
                value=""
                onChange={(e) => {
                  const m = monitors.find((x) => x.id === Number(e.target.value));
                  if (m) setComponents((cs) => [...cs, { monitor_id: m.id, name: m.name, group: '' }]);
                }}
                className="rounded-md border border-border bg-surface px-2 py-1.5 text-sm"
              >
                <option value="">Choose…</option>
                {unused.map((m) => (
                  <option key={m.id} value={m.id}>
                    {m.name}
                  </option>
                ))}
              </select>
            </label>
          ) : monitors.length === 0 ? (
            <p className="text-sm text-fg-muted">Create monitors first; each component shows one monitor.</p>
          ) : null}
        </Card>
        <FormError message={form.formError ?? (Object.keys(form.errors).length ? 'Some fields need attention.' : null)} />
        <div>
          <Button type="submit" busy={form.submitting}>
            {submitLabel}
          </Button>
        </div>
      </form>
      <div className="min-w-0">
        <div className="xl:sticky xl:top-6">
          <p className="mb-2 text-xs font-medium uppercase tracking-wide text-fg-muted">Live preview</p>
          <StatusPagePreview draft={{ title, description, logo_url: logo, accent_color: accent, components }} monitors={monitors} saved={saved} />
        </div>
      </div>
    </div>
  );
}
