/**
 * Holds: list with a status filter; place a hold on lots and units (with a reason, optionally on
 * everything made from them); release an active hold with an electronic signature.
 */
import { useMutation, useQuery } from '@apollo/client/react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { graphql } from '../graphql.ts';
import { fmtNum, fmtTime } from '../i18n.ts';
import { useCan } from '../scopes.tsx';
import { SignatureDialog } from '../SignatureDialog.tsx';
import { ErrorBox, Loading } from '../ui.tsx';

const HOLDS = graphql(`
  query Holds($status: HoldStatus) {
    holds(status: $status) {
      id
      reason
      status
      placedBy
      placedAt
      releasedBy
      releasedAt
      releaseMeaning
      items {
        id
      }
    }
  }
`);

const PLACE = graphql(`
  mutation PlaceHold($items: [ID!]!, $reason: String!, $includeDownstream: Boolean) {
    placeHold(items: $items, reason: $reason, includeDownstream: $includeDownstream) {
      id
      items {
        id
      }
    }
  }
`);

/** The API takes 1 to 1000 ids per hold. */
const MAX_ITEMS = 1000;

const RELEASE = graphql(`
  mutation ReleaseHold($id: ID!, $meaning: String!, $password: String!) {
    releaseHold(id: $id, meaning: $meaning, password: $password) {
      id
      status
    }
  }
`);

export default function Holds() {
  const { t } = useTranslation();
  const canHold = useCan('hold');
  const [status, setStatus] = useState<'active' | 'released' | ''>('active');
  const { data, error, loading } = useQuery(HOLDS, { variables: { status: status || null } });
  const [release] = useMutation(RELEASE, { refetchQueries: ['Holds', 'HomeMonitor'], awaitRefetchQueries: true });
  const [signing, setSigning] = useState<string | null>(null);
  return (
    <>
      <h1>{t('nav.holds')}</h1>
      <label>
        {t('holds.status')}{' '}
        <select value={status} onChange={(e) => setStatus(e.target.value as typeof status)}>
          <option value="">{t('holds.all')}</option>
          <option value="active">{t('holds.active')}</option>
          <option value="released">{t('holds.released')}</option>
        </select>
      </label>
      {canHold && <PlaceHold />}
      <ErrorBox error={error} />
      {loading && !data ? <Loading /> : null}
      <table>
        <thead>
          <tr>
            <th scope="col">{t('holds.id')}</th>
            <th scope="col">{t('holds.reason')}</th>
            <th scope="col">{t('holds.items')}</th>
            <th scope="col">{t('holds.placed')}</th>
            <th scope="col">{t('holds.released')}</th>
            <th scope="col">
              <span className="sr-only">{t('common.actions')}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {data?.holds.map((h) => (
            <tr key={h.id}>
              <td>{h.id}</td>
              <td>{h.reason}</td>
              <td
                title={h.items
                  .slice(0, 20)
                  .map((i) => i.id)
                  .join('\n')}
              >
                {fmtNum(h.items.length)}
              </td>
              <td>
                {fmtTime(h.placedAt)} · {h.placedBy}
              </td>
              <td>{h.releasedAt ? `${fmtTime(h.releasedAt)} · ${h.releasedBy} · ${h.releaseMeaning}` : '–'}</td>
              <td>
                {canHold && h.status === 'active' && (
                  <button type="button" onClick={() => setSigning(h.id)}>
                    {t('holds.release')}
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {signing && (
        <SignatureDialog
          title={t('holds.releaseTitle')}
          what={t('holds.releaseWhat', { id: signing })}
          defaultMeaning={t('holds.releaseMeaning')}
          onSign={(meaning, password) => release({ variables: { id: signing, meaning, password } })}
          onClose={() => setSigning(null)}
        />
      )}
    </>
  );
}

function PlaceHold() {
  const { t } = useTranslation();
  const [items, setItems] = useState('');
  const [reason, setReason] = useState('');
  const [downstream, setDownstream] = useState(true);
  const [place, placed] = useMutation(PLACE, { refetchQueries: ['Holds', 'HomeMonitor'] });
  const ids = [
    ...new Set(
      items
        .split(/[\s,;]+/)
        .map((s) => s.trim())
        .filter(Boolean),
    ),
  ];
  const tooMany = ids.length > MAX_ITEMS;
  return (
    <section aria-labelledby="h-place">
      <h2 id="h-place">{t('holds.placeTitle')}</h2>
      <form
        className="inline place-hold"
        onSubmit={(e) => {
          e.preventDefault();
          void place({ variables: { items: ids, reason: reason.trim(), includeDownstream: downstream } })
            .then(() => {
              setItems('');
              setReason('');
            })
            .catch(() => undefined);
        }}
      >
        <label>
          {t('holds.itemsInput')}
          <textarea name="holdItems" rows={2} value={items} onChange={(e) => setItems(e.target.value)} required />
        </label>
        <label>
          {t('holds.reason')}
          <input name="holdReason" value={reason} onChange={(e) => setReason(e.target.value)} required size={30} />
        </label>
        <label className="check">
          <span>
            <input type="checkbox" checked={downstream} onChange={(e) => setDownstream(e.target.checked)} />{' '}
            {t('holds.downstream')}
          </span>
        </label>
        <button type="submit" className="primary" disabled={placed.loading || ids.length === 0 || tooMany || !reason.trim()}>
          {t('holds.place')}
        </button>
      </form>
      {tooMany && (
        <p role="alert" className="error">
          {t('holds.tooMany', { n: fmtNum(ids.length), max: fmtNum(MAX_ITEMS) })}
        </p>
      )}
      {placed.data && (
        <p role="status" data-testid="hold-placed">
          {t('recall.held', { id: placed.data.placeHold.id, n: fmtNum(placed.data.placeHold.items.length) })}
        </p>
      )}
      <ErrorBox error={placed.error} />
    </section>
  );
}
