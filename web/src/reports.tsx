/**
 * Report links: a click asks the API to write the report (`generateReport`), then downloads it from
 * the URL it answers with the session's bearer (`GET /reports/<file>` takes the same Authorization
 * header as /graphql, so a plain <a href> cannot fetch it) and saves it under its own file name.
 * Drawn only for roles with the `reports` scope.
 */
import { useMutation } from '@apollo/client/react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { graphql, type VariablesOf } from './graphql.ts';
import { useCan } from './scopes.tsx';
import { bearer } from './session.ts';
import { download, errorText } from './ui.tsx';

const GENERATE = graphql(`
  mutation GenerateReport($request: ReportRequest!, $lang: ReportLang, $timeZone: String) {
    generateReport(request: $request, lang: $lang, timeZone: $timeZone) {
      id
      url
      pages
      bytes
    }
  }
`);

type Request = VariablesOf<typeof GENERATE>['request'];
type Lang = 'en' | 'zh';

/** Fetches a report the API wrote, with the session's bearer, and saves it. */
export async function fetchReport(url: string): Promise<void> {
  const b = bearer();
  const res = await fetch(url, { headers: b ? { authorization: `Bearer ${b}` } : {} });
  if (!res.ok) {
    const body = (await res.json().catch(() => ({}))) as { error?: string };
    throw new Error(body.error ?? `HTTP ${res.status}`);
  }
  const name = /filename="([^"]+)"/.exec(res.headers.get('content-disposition') ?? '')?.[1] ?? url.split('/').pop()!;
  download(name, await res.blob(), res.headers.get('content-type') ?? 'application/octet-stream');
}

/** "Recall report (PDF) English 中文": one button per language. */
export function ReportLinks({ request, label, langs = ['en', 'zh'] }: { request: Request; label: string; langs?: Lang[] }) {
  const { t } = useTranslation();
  const canReport = useCan('reports');
  const [generate] = useMutation(GENERATE);
  const [busy, setBusy] = useState<Lang | null>(null);
  const [error, setError] = useState<string | null>(null);
  if (!canReport) return null;
  const run = async (lang: Lang) => {
    setBusy(lang);
    setError(null);
    try {
      const timeZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
      const r = await generate({ variables: { request, lang, timeZone } });
      const url = r.data?.generateReport.url;
      if (!url) throw new Error(t('report.none'));
      await fetchReport(url);
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(null);
    }
  };
  return (
    <span className="reports">
      <span className="muted small" aria-hidden="true">
        {label}
      </span>{' '}
      {langs.map((lang) => (
        <button
          key={lang}
          type="button"
          className="link"
          disabled={busy !== null}
          aria-busy={busy === lang}
          onClick={() => void run(lang)}
        >
          {/* The name says what the button gets: "Recall report (PDF) English". */}
          <span className="sr-only">{label} </span>
          <span lang={lang === 'zh' ? 'zh-CN' : 'en'}>{t(`report.langName.${lang}`)}</span>
          {busy === lang ? '…' : ''}
        </button>
      ))}
      {error && (
        <span role="alert" className="error inline-error">
          {error}
        </span>
      )}
    </span>
  );
}
