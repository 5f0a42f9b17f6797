'use client';
import { TotpCode, type RecoveryCodesResponse, type TwoFactorSetupResponse } from '@sentrypulse/shared';
import QRCode from 'qrcode';
import { useEffect, useState } from 'react';
import { useSWRConfig } from 'swr';
import { z } from 'zod';
import { Button } from '@/components/ui/button';
import { Card } from '@/components/ui/card';
import { CodeLine, CopyButton } from '@/components/ui/copy';
import { FormError, TextField } from '@/components/ui/field';
import { messageOf } from '@/lib/api/errors';
import { useMe } from '@/lib/api/hooks';
import { disableTwoFactor, enableTwoFactor, regenerateRecoveryCodes, securityPaths, setupTwoFactor } from '@/lib/api/security';
import { useZodForm } from '@/lib/forms';

const EnableForm = z.object({ code: TotpCode });
const ConfirmForm = z.object({ password: z.string().min(1, 'must not be empty'), code: z.string().trim().min(1, 'enter a code or a recovery code') });

/** Recovery codes, shown once: copy, download as a text file. */
export function RecoveryCodes({ codes, onDone }: { codes: string[]; onDone: () => void }) {
  const text = `SentryPulse recovery codes (each works once)\n\n${codes.join('\n')}\n`;
  return (
    <div className="space-y-3" data-testid="recovery-codes">
      <p className="text-sm">
        Save these recovery codes somewhere safe. Each signs you in once if you lose your authenticator. <strong>They are shown only now.</strong>
      </p>
      <ul className="grid grid-cols-2 gap-2 rounded-md border border-border bg-muted p-3 font-mono text-sm" aria-label="Recovery codes">
        {codes.map((c) => (
          <li key={c}>{c}</li>
        ))}
      </ul>
      <div className="flex flex-wrap gap-2">
        <CopyButton text={codes.join('\n')} label="Copy codes" />
        <a
          className="inline-flex items-center rounded-md border border-border bg-surface px-2.5 py-1.5 text-xs font-medium hover:bg-muted"
          href={`data:text/plain;charset=utf-8,${encodeURIComponent(text)}`}
          download="sentrypulse-recovery-codes.txt"
        >
          Download
        </a>
        <Button variant="secondary" onClick={onDone}>
          I have saved them
        </Button>
      </div>
    </div>
  );
}

function Setup({ onEnabled }: { onEnabled: (codes: RecoveryCodesResponse) => void }) {
  const [setup, setSetup] = useState<TwoFactorSetupResponse | null>(null);
  const [qr, setQr] = useState<string | null>(null);
  const [code, setCode] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    if (setup) void QRCode.toDataURL(setup.otpauth_url, { margin: 1, width: 192 }).then(setQr);
  }, [setup]);
  const form = useZodForm(EnableForm, async (v) => onEnabled(await enableTwoFactor(v.code)));

  if (!setup) {
    return (
      <div className="space-y-3">
        <p className="text-sm text-fg-muted">Protect your account with a code from an authenticator app (1Password, Google Authenticator, Aegis…) at every login.</p>
        <FormError message={error} />
        <Button
          busy={busy}
          onClick={async () => {
            setBusy(true);
            setError(null);
            try {
              setSetup(await setupTwoFactor());
            } catch (err) {
              setError(messageOf(err));
            } finally {
              setBusy(false);
            }
          }}
        >
          Set up two-factor authentication
        </Button>
      </div>
    );
  }
  return (
    <div className="space-y-4">
      <ol className="list-decimal space-y-1 pl-5 text-sm">
        <li>Scan the QR code with your authenticator app, or enter the key by hand.</li>
        <li>Enter the 6-digit code the app shows.</li>
      </ol>
      <div className="flex flex-col gap-4 sm:flex-row sm:items-start">
        {qr ? <img src={qr} alt="QR code for your authenticator app" width={192} height={192} className="rounded-md border border-border bg-white" data-testid="totp-qr" /> : <div className="size-48" />}
        <div className="min-w-0 flex-1 space-y-2">
          <p className="text-xs text-fg-muted">Key for manual entry</p>
          <CodeLine text={setup.secret} />
        </div>
      </div>
      <form
        noValidate
        className="flex flex-col gap-3 sm:flex-row sm:items-start"
        onSubmit={(e) => {
          e.preventDefault();
          void form.submit({ code });
        }}
      >
        <div className="flex-1">
          <TextField
            label="Code from the app"
            name="totp-code"
            inputMode="numeric"
            autoComplete="one-time-code"
            maxLength={6}
            value={code}
            onChange={(e) => setCode(e.target.value.replace(/\D/g, ''))}
            error={form.errors.code}
          />
        </div>
        <Button type="submit" busy={form.submitting} className="sm:mt-6">
          Turn on
        </Button>
      </form>
      <FormError message={form.formError} />
    </div>
  );
}

/** Password plus a current code (or a recovery code): for turning 2FA off or new recovery codes. */
function Confirm({ action, label, onDone, danger }: { action: 'disable' | 'regenerate'; label: string; onDone: (codes?: string[]) => void; danger?: boolean }) {
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const form = useZodForm(ConfirmForm, async (v) => {
    const factor = /^\d{6}$/.test(v.code) ? { code: v.code } : { recovery_code: v.code };
    if (action === 'disable') {
      await disableTwoFactor({ password: v.password, ...factor });
      onDone();
    } else {
      onDone((await regenerateRecoveryCodes({ password: v.password, ...factor })).recovery_codes);
    }
  });
  return (
    <form
      noValidate
      className="space-y-3"
      onSubmit={(e) => {
        e.preventDefault();
        void form.submit({ password, code });
      }}
    >
      <TextField label="Password" name={`${action}-password`} type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} error={form.errors.password} />
      <TextField label="Code from the app, or a recovery code" name={`${action}-code`} autoComplete="one-time-code" value={code} onChange={(e) => setCode(e.target.value)} error={form.errors.code ?? form.errors.recovery_code} />
      <FormError message={form.formError} />
      <Button type="submit" variant={danger ? 'danger' : 'secondary'} busy={form.submitting}>
        {label}
      </Button>
    </form>
  );
}

export function TwoFactorCard() {
  const { data, mutate: mutateMe } = useMe();
  const { mutate: mutateKey } = useSWRConfig();
  // Every change here is also a new line in the security activity.
  const mutate = () => Promise.all([mutateMe(), mutateKey(securityPaths.events)]);
  const [codes, setCodes] = useState<string[] | null>(null);
  const [mode, setMode] = useState<'idle' | 'disable' | 'regenerate'>('idle');
  const on = data?.user.two_factor_enabled ?? false;
  return (
    <Card title={<span>Two-factor authentication {on ? <span className="ml-2 rounded bg-up/15 px-1.5 py-0.5 text-xs text-up">On</span> : null}</span>}>
      {codes ? (
        <RecoveryCodes
          codes={codes}
          onDone={() => {
            setCodes(null);
            setMode('idle');
          }}
        />
      ) : !on ? (
        <Setup
          onEnabled={async (res) => {
            setCodes(res.recovery_codes);
            await mutate();
          }}
        />
      ) : mode === 'idle' ? (
        <div className="space-y-3">
          <p className="text-sm text-fg-muted">Every login asks for a code from your authenticator app.</p>
          <div className="flex flex-wrap gap-2">
            <Button variant="secondary" onClick={() => setMode('regenerate')}>
              New recovery codes
            </Button>
            <Button variant="danger" onClick={() => setMode('disable')}>
              Turn off
            </Button>
          </div>
        </div>
      ) : (
        <div className="space-y-3">
          <Confirm
            action={mode}
            danger={mode === 'disable'}
            label={mode === 'disable' ? 'Turn off two-factor authentication' : 'Replace my recovery codes'}
            onDone={async (fresh) => {
              if (fresh) {
                setCodes(fresh);
                await mutate();
              } else {
                setMode('idle');
                await mutate();
              }
            }}
          />
          <Button variant="ghost" onClick={() => setMode('idle')}>
            Cancel
          </Button>
        </div>
      )}
    </Card>
  );
}
