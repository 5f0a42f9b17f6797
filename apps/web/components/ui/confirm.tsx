'use client';
import { useCallback, useEffect, useRef, useState, type ReactNode } from 'react';
import { Button } from './button';

interface Ask {
  title: string;
  body?: ReactNode;
  confirmLabel?: string;
  danger?: boolean;
  resolve: (ok: boolean) => void;
}

/** A native modal <dialog>: focus trapping, Escape and the backdrop come from the browser. */
export function useConfirm(): [ReactNode, (opts: Omit<Ask, 'resolve'>) => Promise<boolean>] {
  const [ask, setAsk] = useState<Ask | null>(null);
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    if (ask && ref.current && !ref.current.open) ref.current.showModal();
  }, [ask]);
  const done = (ok: boolean) => {
    ask?.resolve(ok);
    ref.current?.close();
    setAsk(null);
  };
  const confirm = useCallback((opts: Omit<Ask, 'resolve'>) => new Promise<boolean>((resolve) => setAsk({ ...opts, resolve })), []);
  const element = ask ? (
    <dialog
      ref={ref}
      onCancel={(e) => {
        e.preventDefault();
        done(false);
      }}
      className="m-auto w-[min(28rem,calc(100vw-2rem))] rounded-lg border border-border bg-surface p-5 text-fg shadow-xl backdrop:bg-black/40"
      aria-labelledby="confirm-title"
    >
      <h2 id="confirm-title" className="text-base font-semibold">
        {ask.title}
      </h2>
      {ask.body ? <div className="mt-2 text-sm text-fg-muted">{ask.body}</div> : null}
      <div className="mt-5 flex justify-end gap-2">
        <Button variant="secondary" onClick={() => done(false)} autoFocus>
          Cancel
        </Button>
        <Button variant={ask.danger ? 'danger' : 'primary'} onClick={() => done(true)}>
          {ask.confirmLabel ?? 'Confirm'}
        </Button>
      </div>
    </dialog>
  ) : null;
  return [element, confirm];
}
