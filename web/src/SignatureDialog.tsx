/**
 * The electronic signature dialog (21 CFR Part 11 style): the printed name of the signer, the
 * meaning of the signature and the password entered again. The API checks the password and keeps
 * the signature in the audit trail; its message is shown as it comes when it refuses.
 */
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useMe } from './scopes.tsx';
import { ErrorBox } from './ui.tsx';

export function SignatureDialog(props: {
  title: string;
  what: string;
  defaultMeaning: string;
  onSign(meaning: string, password: string): Promise<unknown>;
  onClose(): void;
}) {
  const { t } = useTranslation();
  const me = useMe();
  const ref = useRef<HTMLDialogElement>(null);
  const [meaning, setMeaning] = useState(props.defaultMeaning);
  const [password, setPassword] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    ref.current?.showModal();
  }, []);
  return (
    <dialog ref={ref} aria-labelledby="sig-title" onClose={props.onClose} className="signature">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          setBusy(true);
          setError(null);
          props
            .onSign(meaning, password)
            .then(() => ref.current?.close())
            .catch((err: unknown) => setError(err))
            .finally(() => setBusy(false));
        }}
      >
        <h2 id="sig-title">{props.title}</h2>
        <p>{props.what}</p>
        <label>
          {t('sign.printedName')}
          <input value={me.name} readOnly aria-readonly="true" />
        </label>
        <label>
          {t('sign.meaning')}
          <input value={meaning} onChange={(e) => setMeaning(e.target.value)} required />
        </label>
        <label>
          {t('sign.password')}
          <input
            type="password"
            autoComplete="current-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            required
          />
        </label>
        <p className="muted small">{t('sign.statement')}</p>
        <ErrorBox error={error} />
        <div className="actions">
          <button type="button" onClick={() => ref.current?.close()}>
            {t('common.cancel')}
          </button>
          <button type="submit" className="primary" disabled={busy}>
            {t('sign.sign')}
          </button>
        </div>
      </form>
    </dialog>
  );
}
