/** Small shared pieces: loading and error states (with the API's own message), a status badge. */
import type { ErrorLike } from '@apollo/client';
import { CombinedGraphQLErrors } from '@apollo/client/errors';
import { useTranslation } from 'react-i18next';

export function errorText(e: unknown): string {
  if (CombinedGraphQLErrors.is(e)) return e.errors.map((x) => x.message).join('; ');
  if (e instanceof Error) return e.message;
  return String(e);
}

export function Loading() {
  const { t } = useTranslation();
  return (
    <p role="status" className="muted">
      {t('common.loading')}
    </p>
  );
}

export function ErrorBox({ error }: { error: ErrorLike | unknown }) {
  const { t } = useTranslation();
  if (!error) return null;
  return (
    <div role="alert" className="error">
      <strong>{t('common.error')}</strong> {errorText(error)}
    </div>
  );
}

export function StatusBadges({ status }: { status: readonly string[] }) {
  const { t } = useTranslation();
  return (
    <>
      {status.map((s) => (
        <span key={s} className={`badge badge-${s.toLowerCase()}`}>
          {t(`status.${s.toLowerCase()}`)}
        </span>
      ))}
    </>
  );
}

/** Downloads text as a file (CSV exports). */
export function download(name: string, data: BlobPart, type: string): void {
  const url = URL.createObjectURL(new Blob([data], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

export function csv(rows: readonly (readonly (string | number | null | undefined)[])[]): string {
  const cell = (v: string | number | null | undefined) => {
    const s = v === null || v === undefined ? '' : String(v);
    return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return rows.map((r) => r.map(cell).join(',')).join('\r\n') + '\r\n';
}
