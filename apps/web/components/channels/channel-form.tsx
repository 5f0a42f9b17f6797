'use client';
import { ChannelType, CreateChannelBody } from '@sentrypulse/shared';
import { useState } from 'react';
import { useZodForm } from '../../lib/forms';
import { Button } from '../ui/button';
import { Checkbox, FormError, SelectField, TextField } from '../ui/field';

const LABEL: Record<ChannelType, string> = { email: 'Email', telegram: 'Telegram', whatsapp: 'WhatsApp', webhook: 'Webhook' };

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
      <Checkbox label="Use for new monitors by default" checked={isDefault} onChange={(e) => setIsDefault(e.target.checked)} />
      <FormError message={form.formError ?? form.errors.config ?? null} />
      <Button type="submit" busy={form.submitting}>
        Add channel
      </Button>
    </form>
  );
}
