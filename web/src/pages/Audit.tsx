/** The audit trail, paged, filtered by actor, action and time. */
import { useQuery } from '@apollo/client/react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { graphql } from '../graphql.ts';
import { fmtNum, fmtTime } from '../i18n.ts';
import { ErrorBox, Loading } from '../ui.tsx';

const CHAIN = graphql(`
  query AuditChain {
    auditChainCheck {
      ok
      entries
      brokenAtSeq
      reason
    }
  }
`);

const AUDIT = graphql(`
  query Audit($actor: String, $action: String, $from: String, $to: String, $after: String) {
    auditTrail(actor: $actor, action: $action, from: $from, to: $to, after: $after, first: 50) {
      endCursor
      hasNextPage
      entries {
        seq
        time
        actor
        action
        target
        details
        hash
      }
    }
  }
`);

export default function Audit() {
  const { t } = useTranslation();
  const [actor, setActor] = useState('');
  const [action, setAction] = useState('');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const variables = {
    actor: actor || null,
    action: action || null,
    from: from ? new Date(from).toISOString() : null,
    to: to ? new Date(to).toISOString() : null,
    after: cursors.at(-1) ?? null,
  };
  const { data, error, loading } = useQuery(AUDIT, { variables });
  const page = data?.auditTrail;
  const reset = () => setCursors([null]);
  const chain = useQuery(CHAIN, { fetchPolicy: 'network-only' });
  const check = chain.data?.auditChainCheck;
  return (
    <>
      <h1>{t('nav.audit')}</h1>
      <p role="status" className={check && !check.ok ? 'error' : 'muted'} data-testid="chain">
        {check
          ? check.ok
            ? t('audit.chainOk', { n: fmtNum(check.entries) })
            : t('audit.chainBroken', { seq: check.brokenAtSeq, reason: check.reason, n: fmtNum(check.entries) })
          : t('common.loading')}
      </p>
      <ErrorBox error={chain.error} />
      <form className="inline" onSubmit={(e) => e.preventDefault()}>
        <label>
          {t('audit.actor')}
          <input value={actor} onChange={(e) => (setActor(e.target.value), reset())} />
        </label>
        <label>
          {t('audit.action')}
          <input value={action} onChange={(e) => (setAction(e.target.value), reset())} />
        </label>
        <label>
          {t('recall.from')}
          <input type="datetime-local" value={from} onChange={(e) => (setFrom(e.target.value), reset())} />
        </label>
        <label>
          {t('recall.to')}
          <input type="datetime-local" value={to} onChange={(e) => (setTo(e.target.value), reset())} />
        </label>
      </form>
      <ErrorBox error={error} />
      {loading && !data ? <Loading /> : null}
      <table>
        <thead>
          <tr>
            <th scope="col">#</th>
            <th scope="col">{t('audit.time')}</th>
            <th scope="col">{t('audit.actor')}</th>
            <th scope="col">{t('audit.action')}</th>
            <th scope="col">{t('audit.target')}</th>
            <th scope="col">{t('audit.details')}</th>
          </tr>
        </thead>
        <tbody>
          {page?.entries.map((e) => (
            <tr key={e.seq}>
              <td>{e.seq}</td>
              <td>{fmtTime(e.time)}</td>
              <td>{e.actor}</td>
              <td>{e.action}</td>
              <td className="break">{e.target}</td>
              <td className="break small">{e.details == null ? '' : JSON.stringify(e.details)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="pager">
        <button type="button" disabled={cursors.length < 2} onClick={() => setCursors((c) => c.slice(0, -1))}>
          {t('common.previous')}
        </button>
        <button
          type="button"
          disabled={!page?.hasNextPage}
          onClick={() => page?.endCursor && setCursors((c) => [...c, page.endCursor])}
        >
          {t('common.next')}
        </button>
      </div>
    </>
  );
}
