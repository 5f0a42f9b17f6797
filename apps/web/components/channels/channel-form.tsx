'use client';
import { ChannelType, CreateChannelBody } from '@sentrypulse/shared';
import { useState } from 'react';
import { useZodForm } from '../../lib/forms';
import { Button } from '../ui/button';
import { Checkbox, FormError, SelectField, TextField } from '../ui/field';

const LABEL: Record<ChannelType, string> = {
  email: 'Email',
  telegram: 'Telegram',
  whatsapp: 'WhatsApp',
  webhook: 'Webhook',
  slack: 'Slack',
  discord: 'Discord',
  teams: 'Microsoft Teams',
  pagerduty: 'PagerDuty',
  opsgenie: 'Opsgenie',
  ntfy: 'ntfy',
  pushover: 'Pushover',
  sms: 'SMS (Twilio)',
};

interface FieldSpec {
  key: string;
  label: string;
  placeholder?: string;
  /** Secret fields: never shown again after saving (the API masks them). */
  secret?: boolean;
  options?: Array<[string, string]>;
}

/** The on-call channel types (SPEC 11): their fields and a line of help each. */
const ONCALL: Partial<Record<ChannelType, { help: string; fields: FieldSpec[] }>> = {
  slack: {
    help: 'Slack app → Incoming Webhooks → Add New Webhook to Workspace, pick the channel, paste the https://hooks.slack.com/services/… URL.',
    fields: [{ key: 'webhook_url', label: 'Webhook URL', placeholder: 'https://hooks.slack.com/services/T000/B000/XXXX', secret: true }],
  },
  discord: {
    help: 'Channel settings → Integrations → Webhooks → New Webhook → Copy Webhook URL.',
    fields: [{ key: 'webhook_url', label: 'Webhook URL', placeholder: 'https://discord.com/api/webhooks/123/abc', secret: true }],
  },
  teams: {
    help: 'In the Teams channel: Workflows → "Post to a channel when a webhook request is received", copy the URL it gives.',
    fields: [{ key: 'webhook_url', label: 'Workflow URL', placeholder: 'https://prod-00.westus.logic.azure.com/workflows/…', secret: true }],
  },
  pagerduty: {
    help: 'Service → Integrations → Add integration → Events API V2, copy the 32-character integration key. Incidents trigger, acknowledge and resolve with one dedup key.',
    fields: [{ key: 'routing_key', label: 'Integration (routing) key', placeholder: '32 letters and digits', secret: true }],
  },
  opsgenie: {
    help: 'Team → Integrations → Add integration → API, copy the API key. Choose EU for app.eu.opsgenie.com accounts.',
    fields: [
      { key: 'api_key', label: 'API key', placeholder: 'xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx', secret: true },
      { key: 'region', label: 'Region', options: [['us', 'US'], ['eu', 'EU']] },
    ],
  },
  ntfy: {
    help: 'Subscribe to the topic in the ntfy app. Priority follows severity; tapping opens the acknowledge link. Token only for protected topics.',
    fields: [
      { key: 'server_url', label: 'Server URL (optional)', placeholder: 'https://ntfy.sh' },
      { key: 'topic', label: 'Topic', placeholder: 'acme-oncall-7f3k' },
      { key: 'token', label: 'Access token (optional)', placeholder: 'tk_…', secret: true },
    ],
  },
  pushover: {
    help: 'Your user key is on the Pushover dashboard; create an application for its API token. Critical incidents use emergency priority (repeats until acknowledged in Pushover).',
    fields: [
      { key: 'user_key', label: 'User or group key', secret: true },
      { key: 'app_token', label: 'Application token', secret: true },
    ],
  },
  sms: {
    help: 'Twilio (or a compatible API): Account SID and auth token from the console, a sending number you own, the on-call number. Messages fit one 160-character SMS with an acknowledge link.',
    fields: [
      { key: 'account_sid', label: 'Account SID', placeholder: 'AC…' },
      { key: 'auth_token', label: 'Auth token', secret: true },
      { key: 'from', label: 'From', placeholder: '+15551234567' },
      { key: 'to', label: 'To (on-call phone)', placeholder: '+15557654321' },
    ],
  },
};

/** The config object for a channel type from the form's strings (validated by the shared schema). */
export function channelConfig(type: ChannelType, v: Record<string, string>): Record<string, unknown> {
  switch (type) {
    case 'email':
      return { to: v.to?.split(',').map((s) => s.trim()).filter(Boolean) ?? [] };
    case 'telegram':
      return { bot_token: v.bot_token ?? '', chat_id: v.chat_id ?? '' };
    case 'whatsapp':
      return { phone_number_id: v.phone_number_id ?? '', access_token: v.access_token ?? '', to: v.to ?? '', ...(v.template ? { template: { name: v.template, language: v.language || 'en_US' } } : {}) };
    case 'webhook':
      return { url: v.url ?? '', ...(v.secret ? { secret: v.secret } : {}) };
    case 'slack':
    case 'discord':
    case 'teams':
    case 'pagerduty':
    case 'opsgenie':
    case 'ntfy':
    case 'pushover':
    case 'sms': {
      const out: Record<string, unknown> = {};
      for (const f of ONCALL[type]?.fields ?? []) {
        const value = (v[f.key] ?? '').trim();
        if (value) out[f.key] = value;
        else if (!f.label.includes('optional') && !f.options) out[f.key] = '';
      }
      return out;
    }
  }
}

export function ChannelForm({ onCreate }: { onCreate: (body: CreateChannelBody) => Promise<void> }) {
  const [type, setType] = useState<ChannelType>('email');
  const [name, setName] = useState('');
  const [isDefault, setIsDefault] = useState(true);
  const [v, setV] = useState<Record<string, string>>({});
  const form = useZodForm(CreateChannelBody, async (body) => {
    await onCreate(body);
    setName('');
    setV({});
  });
  const field = (key: string, label: string, extra: Record<string, unknown> = {}) => (
    <TextField
      label={label}
      name={key}
      value={v[key] ?? ''}
      onChange={(e) => setV((s) => ({ ...s, [key]: e.target.value }))}
      error={form.errors[`config.${key}`] ?? (key === 'to' ? form.errors['config.to.0'] : undefined) ?? (key === 'template' ? form.errors['config.template.name'] : undefined)}
      {...extra}
    />
  );
  return (
    <form
      noValidate
      className="space-y-4"
      onSubmit={(e) => {
        e.preventDefault();
        void form.submit({ type, name, is_default: isDefault, config: channelConfig(type, v) });
      }}
    >
      <SelectField label="Type" name="channel-type" value={type} onChange={(e) => setType(e.target.value as ChannelType)}>
        {ChannelType.options.map((t) => (
          <option key={t} value={t}>
            {LABEL[t]}
          </option>
        ))}
      </SelectField>
      <TextField label="Name" name="channel-name" value={name} onChange={(e) => setName(e.target.value)} error={form.errors.name} placeholder="On-call" />
      {type === 'email' ? field('to', 'Recipients', { placeholder: 'ops@example.com, cto@example.com', hint: 'Comma-separated' }) : null}
      {type === 'telegram' ? (
        <>
          {field('bot_token', 'Bot token', { placeholder: '123456789:AAE…', autoComplete: 'off' })}
          {field('chat_id', 'Chat id', { placeholder: '-1001234567890 or @channel' })}
        </>
      ) : null}
      {type === 'whatsapp' ? (
        <>
          {field('phone_number_id', 'Phone number id')}
          {field('access_token', 'Access token', { autoComplete: 'off' })}
          {field('to', 'Send to', { placeholder: '+4915112345678' })}
          {field('template', 'Template name (optional)', { placeholder: 'incident_alert' })}
        </>
      ) : null}
      {type === 'webhook' ? (
        <>
          {field('url', 'URL', { placeholder: 'https://example.com/hooks/sentrypulse', type: 'url' })}
          {field('secret', 'Signing secret (optional)', { placeholder: 'whsec_… (generated when empty)', autoComplete: 'off' })}
        </>
      ) : null}
      {ONCALL[type] ? (
        <>
          <p className="text-sm text-fg-muted" data-testid="channel-help">
            {ONCALL[type].help}
          </p>
          {ONCALL[type].fields.map((f) =>
            f.options ? (
              <SelectField key={f.key} label={f.label} name={f.key} value={v[f.key] ?? f.options[0]![0]} onChange={(e) => setV((s) => ({ ...s, [f.key]: e.target.value }))}>
                {f.options.map(([value, label]) => (
                  <option key={value} value={value}>
                    {label}
                  </option>
                ))}
              </SelectField>
            ) : (
              <div key={f.key}>{field(f.key, f.label, { placeholder: f.placeholder, autoComplete: 'off', ...(f.secret ? { type: 'password' } : {}) })}</div>
            ),
          )}
        </>
      ) : null}
      <Checkbox label="Use for new monitors by default" checked={isDefault} onChange={(e) => setIsDefault(e.target.checked)} />
      <FormError message={form.formError ?? form.errors.config ?? null} />
      <Button type="submit" busy={form.submitting}>
        Add channel
      </Button>
    </form>
  );
}
