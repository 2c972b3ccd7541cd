/**
 * Recall workbench: criteria on the left, the scope on the right, recomputed as the criteria change
 * (counts, precision against the naive scope, units spared, paged tables, CSV); save the recall,
 * approve a saved one in the signature dialog, place a hold on the scope; a saved recall's report
 * (PDF, English or Chinese).
 */
import { useApolloClient, useMutation, useQuery } from '@apollo/client/react';
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { graphql, type ResultOf, type VariablesOf } from '../graphql.ts';
import { fmtNum, fmtPct, fmtTime } from '../i18n.ts';
import { Link, useLocation } from '../router.tsx';
import { useCan } from '../scopes.tsx';
import { ReportLinks } from '../reports.tsx';
import { SignatureDialog } from '../SignatureDialog.tsx';
import { csv, download, ErrorBox, errorText, Loading } from '../ui.tsx';

const SCOPE = graphql(`
  query RecallScope($criteria: RecallCriteria!) {
    recallScope(criteria: $criteria) {
      counts {
        units
        lots
        shipments
        customers
        inStock
        shipped
      }
      precision
      spared
      naive {
        units
        description
      }
      customers {
        id
      }
    }
  }
`);

const LIST = graphql(`
  query RecallList($criteria: RecallCriteria!, $first: Int!, $after: String) {
    recallScope(criteria: $criteria) {
      units(first: $first, after: $after) {
        total
        endCursor
        hasNextPage
        nodes {
          id
        }
      }
      shippedUnits(first: $first, after: $after) {
        total
        endCursor
        hasNextPage
        nodes {
          id
        }
      }
      lots(first: $first, after: $after) {
        total
        endCursor
        hasNextPage
        nodes {
          id
        }
      }
      containers(first: $first, after: $after) {
        total
        endCursor
        hasNextPage
        nodes {
          id
        }
      }
      shipments(first: $first, after: $after) {
        total
        endCursor
        hasNextPage
        nodes {
          shipment {
            id
          }
          customer {
            id
          }
          units
        }
      }
    }
  }
`);

const RECALLS = graphql(`
  query Recalls {
    recalls {
      id
      name
      criteria
      createdAt
      createdBy
      counts {
        units
        shipped
        inStock
      }
      approvals {
        signer
        signedAt
        meaning
      }
    }
  }
`);

const CREATE = graphql(`
  mutation CreateRecall($criteria: RecallCriteria!, $name: String!) {
    createRecall(criteria: $criteria, name: $name) {
      id
      name
    }
  }
`);

const APPROVE = graphql(`
  mutation ApproveRecall($id: ID!, $password: String!, $meaning: String) {
    approveRecall(id: $id, password: $password, meaning: $meaning) {
      signer
      signedAt
      meaning
    }
  }
`);

const HOLD = graphql(`
  mutation HoldScope($items: [ID!]!, $reason: String!) {
    placeHold(items: $items, reason: $reason, includeDownstream: true) {
      id
      items {
        id
      }
    }
  }
`);

type Criteria = VariablesOf<typeof SCOPE>['criteria'];

interface Form {
  supplierLots: string;
  material: string;
  equipment: string;
  equipmentFrom: string;
  equipmentTo: string;
  parameter: string;
  parameterMin: string;
  parameterMax: string;
  operator: string;
  defectCode: string;
  from: string;
  to: string;
}

const EMPTY: Form = {
  supplierLots: '',
  material: '',
  equipment: '',
  equipmentFrom: '',
  equipmentTo: '',
  parameter: '',
  parameterMin: '',
  parameterMax: '',
  operator: '',
  defectCode: '',
  from: '',
  to: '',
};

/** A datetime-local value (no zone) as ISO 8601 with offset, as the API asks. */
const iso = (local: string) => (local ? new Date(local).toISOString() : undefined);
const num = (s: string) => (s.trim() === '' || !Number.isFinite(Number(s)) ? undefined : Number(s));

function criteriaOf(f: Form): Criteria | null {
  const c: Criteria = {};
  const lots = f.supplierLots
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter(Boolean);
  if (lots.length) c.supplierLots = lots;
  if (f.material.trim()) c.material = f.material.trim();
  if (f.equipment.trim()) c.equipment = { id: f.equipment.trim(), from: iso(f.equipmentFrom), to: iso(f.equipmentTo) };
  if (f.parameter.trim()) c.parameter = { name: f.parameter.trim(), min: num(f.parameterMin), max: num(f.parameterMax) };
  if (f.operator.trim()) c.operator = f.operator.trim();
  if (f.defectCode.trim()) c.defectCode = f.defectCode.trim();
  if (Object.keys(c).length === 0) return null;
  if (f.from) c.from = iso(f.from);
  if (f.to) c.to = iso(f.to);
  return c;
}

/** The form lives in the URL (?lots=...&material=...), so a scope is a link that survives a reload. */
function formFromQuery(q: URLSearchParams): Form {
  const f = { ...EMPTY };
  for (const k of Object.keys(EMPTY) as (keyof Form)[]) f[k] = q.get(k) ?? '';
  return f;
}

function useDebounced<T>(value: T, ms: number): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setV(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return v;
}

export default function Recall() {
  const { t } = useTranslation();
  const { query, navigate } = useLocation();
  const [form, setForm] = useState<Form>(() => formFromQuery(query));
  const debounced = useDebounced(form, 400);
  const criteria = useMemo(() => criteriaOf(debounced), [debounced]);
  useEffect(() => {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(debounced)) if (v) q.set(k, v);
    const recall = query.get('recall');
    if (recall) q.set('recall', recall);
    const next = `/recall${q.size ? `?${q}` : ''}`;
    if (next !== location.pathname + location.search) navigate(next, { replace: true });
  }, [debounced]);
  const set = (k: keyof Form) => (e: { target: { value: string } }) => setForm((f) => ({ ...f, [k]: e.target.value }));
  const field = (k: keyof Form, label: string, type = 'text') => (
    <label>
      {label}
      <input type={type} value={form[k]} onChange={set(k)} name={k} />
    </label>
  );
  return (
    <>
      <h1>{t('recall.title')}</h1>
      <div className="workbench">
        <form className="criteria" aria-labelledby="h-criteria" onSubmit={(e) => e.preventDefault()}>
          <h2 id="h-criteria">{t('recall.criteria')}</h2>
          <label>
            {t('recall.supplierLots')}
            <textarea name="supplierLots" rows={3} value={form.supplierLots} onChange={set('supplierLots')} />
          </label>
          {field('material', t('recall.material'))}
          <fieldset>
            <legend>{t('recall.equipmentWindow')}</legend>
            {field('equipment', t('recall.equipment'))}
            {field('equipmentFrom', t('recall.from'), 'datetime-local')}
            {field('equipmentTo', t('recall.to'), 'datetime-local')}
          </fieldset>
          <fieldset>
            <legend>{t('recall.parameterOutOfSpec')}</legend>
            {field('parameter', t('recall.parameter'))}
            {field('parameterMin', t('recall.min'), 'number')}
            {field('parameterMax', t('recall.max'), 'number')}
          </fieldset>
          {field('operator', t('recall.operator'))}
          {field('defectCode', t('recall.defectCode'))}
          {field('from', t('recall.madeFrom'), 'datetime-local')}
          {field('to', t('recall.madeTo'), 'datetime-local')}
          <button type="button" onClick={() => setForm(EMPTY)}>
            {t('recall.clear')}
          </button>
        </form>
        <div className="scope">{criteria ? <Scope criteria={criteria} /> : <p className="muted">{t('recall.empty')}</p>}</div>
      </div>
      <SavedRecalls />
    </>
  );
}

function Scope({ criteria }: { criteria: Criteria }) {
  const { t } = useTranslation();
  const canRecall = useCan('recall');
  const canHold = useCan('hold');
  const { data, error, loading } = useQuery(SCOPE, { variables: { criteria }, fetchPolicy: 'network-only' });
  const [name, setName] = useState('');
  const [create, created] = useMutation(CREATE, { refetchQueries: ['Recalls', 'HomeRecalls'] });
  const [hold, held] = useMutation(HOLD);
  const [reason, setReason] = useState('');
  if (error) return <ErrorBox error={error} />;
  if (loading && !data) return <Loading />;
  if (!data) return null;
  const s = data.recallScope;
  const c = s.counts;
  const stat = (key: string, value: string, testid: string) => (
    <div className="stat">
      <span className="value" data-testid={testid}>
        {value}
      </span>
      <span className="label">{t(key)}</span>
    </div>
  );
  return (
    <section aria-labelledby="h-scope" aria-busy={loading}>
      <h2 id="h-scope">{t('recall.scope')}</h2>
      <div className="stats">
        {stat('recall.units', fmtNum(c.units), 'count-units')}
        {stat('recall.lots', fmtNum(c.lots), 'count-lots')}
        {stat('recall.shipments', fmtNum(c.shipments), 'count-shipments')}
        {stat('recall.customers', fmtNum(c.customers), 'count-customers')}
        {stat('recall.inStock', fmtNum(c.inStock), 'count-instock')}
        {stat('recall.shipped', fmtNum(c.shipped), 'count-shipped')}
        {stat('recall.precision', fmtPct(s.precision), 'precision')}
        {stat('recall.spared', fmtNum(s.spared), 'spared')}
      </div>
      <p className="muted small">
        {t('recall.naive', { units: fmtNum(s.naive.units) })} {s.naive.description}
      </p>
      <ScopeTables criteria={criteria} />
      {canRecall && (
        <form
          className="inline"
          onSubmit={(e) => {
            e.preventDefault();
            void create({ variables: { criteria, name } }).catch(() => undefined);
          }}
        >
          <label>
            {t('recall.name')}
            <input value={name} onChange={(e) => setName(e.target.value)} required name="recallName" />
          </label>
          <button type="submit" className="primary" disabled={created.loading}>
            {t('recall.save')}
          </button>
          {created.data && (
            <span role="status" data-testid="saved">
              {t('recall.saved', { id: created.data.createRecall.id })}
            </span>
          )}
          <ErrorBox error={created.error} />
        </form>
      )}
      {canHold && criteria.supplierLots?.length ? (
        <form
          className="inline"
          onSubmit={(e) => {
            e.preventDefault();
            void hold({ variables: { items: criteria.supplierLots as string[], reason } }).catch(() => undefined);
          }}
        >
          <label>
            {t('recall.holdReason')}
            <input value={reason} onChange={(e) => setReason(e.target.value)} required name="holdReason" />
          </label>
          <button type="submit" disabled={held.loading}>
            {t('recall.placeHold')}
          </button>
          {held.data && (
            <span role="status">
              {t('recall.held', { id: held.data.placeHold.id, n: fmtNum(held.data.placeHold.items.length) })}
            </span>
          )}
          <ErrorBox error={held.error} />
        </form>
      ) : null}
    </section>
  );
}

type Tab = 'units' | 'shippedUnits' | 'lots' | 'containers' | 'shipments';

/** One table's rows as text cells (for the page and for CSV). */
function rowsOf(data: ResultOf<typeof LIST>, tab: Tab): string[][] {
  const s = data.recallScope;
  if (tab === 'shipments') return s.shipments.nodes.map((n) => [n.shipment.id, n.customer?.id ?? '', String(n.units)]);
  return s[tab].nodes.map((n) => [n.id]);
}
const TABS: Tab[] = ['units', 'shippedUnits', 'lots', 'containers', 'shipments'];
const PAGE = 25;

function ScopeTables({ criteria }: { criteria: Criteria }) {
  const { t } = useTranslation();
  const client = useApolloClient();
  const [tab, setTab] = useState<Tab>('units');
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const [desc, setDesc] = useState(false);
  const [exporting, setExporting] = useState<string | null>(null);
  useEffect(() => setCursors([null]), [criteria, tab]);
  const after = cursors[cursors.length - 1] ?? null;
  const { data, error, loading } = useQuery(LIST, { variables: { criteria, first: PAGE, after }, fetchPolicy: 'network-only' });
  const list = data?.recallScope[tab];
  const rows: string[][] = useMemo(() => {
    const r = data ? rowsOf(data, tab) : [];
    return desc ? [...r].reverse() : r;
  }, [data, tab, desc]);
  const headers = tab === 'shipments' ? [t('recall.shipment'), t('recall.customer'), t('recall.units')] : [t('recall.id')];
  const exportCsv = async () => {
    setExporting(t('common.loading'));
    try {
      const all: string[][] = [];
      let cursor: string | null = null;
      for (;;) {
        const res: { data?: ResultOf<typeof LIST> } = await client.query({
          query: LIST,
          variables: { criteria, first: 1000, after: cursor },
          fetchPolicy: 'network-only',
        });
        if (!res.data) break;
        all.push(...rowsOf(res.data, tab));
        const l = res.data.recallScope[tab];
        if (!l.hasNextPage) break;
        cursor = l.endCursor ?? null;
      }
      download(`recall-${tab}.csv`, csv([headers, ...all]), 'text/csv;charset=utf-8');
      setExporting(null);
    } catch (e) {
      setExporting(errorText(e));
    }
  };
  return (
    <div className="tables">
      <div role="tablist" aria-label={t('recall.tables')} className="tabs">
        {TABS.map((x) => (
          <button key={x} type="button" role="tab" aria-selected={tab === x} onClick={() => setTab(x)}>
            {t(`recall.tab.${x}`)}
          </button>
        ))}
      </div>
      <ErrorBox error={error} />
      <table aria-busy={loading}>
        <caption className="sr-only">{t(`recall.tab.${tab}`)}</caption>
        <thead>
          <tr>
            {headers.map((h, i) => (
              <th key={h} scope="col" aria-sort={i === 0 ? (desc ? 'descending' : 'ascending') : undefined}>
                {i === 0 ? (
                  <button type="button" className="link" onClick={() => setDesc(!desc)}>
                    {h} {desc ? '▼' : '▲'}
                  </button>
                ) : (
                  h
                )}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.join('|')}>
              {r.map((v, i) =>
                i === 0 && tab !== 'shipments' ? (
                  <td key={i}>
                    <Link to={`/lookup?q=${encodeURIComponent(v)}`}>{v}</Link>
                  </td>
                ) : (
                  <td key={i}>{v}</td>
                ),
              )}
            </tr>
          ))}
        </tbody>
      </table>
      <div className="pager">
        <span>
          {list
            ? t('common.pageOf', {
                from: fmtNum((cursors.length - 1) * PAGE + 1),
                to: fmtNum((cursors.length - 1) * PAGE + rows.length),
                total: fmtNum(list.total),
              })
            : ''}
        </span>
        <button type="button" disabled={cursors.length < 2} onClick={() => setCursors((c) => c.slice(0, -1))}>
          {t('common.previous')}
        </button>
        <button
          type="button"
          disabled={!list?.hasNextPage}
          onClick={() => list?.endCursor && setCursors((c) => [...c, list.endCursor!])}
        >
          {t('common.next')}
        </button>
        <button type="button" onClick={() => void exportCsv()}>
          {t('common.exportCsv')}
        </button>
        {exporting && <span role="status">{exporting}</span>}
      </div>
    </div>
  );
}

function SavedRecalls() {
  const { t } = useTranslation();
  const canRecall = useCan('recall');
  const canReport = useCan('reports');
  const { query } = useLocation();
  const { data, error, loading } = useQuery(RECALLS);
  const [approve] = useMutation(APPROVE, { refetchQueries: ['Recalls', 'HomeRecalls'], awaitRefetchQueries: true });
  const [signing, setSigning] = useState<{ id: string; name: string } | null>(null);
  const focus = query.get('recall');
  return (
    <section aria-labelledby="h-saved">
      <h2 id="h-saved">{t('recall.savedRecalls')}</h2>
      <ErrorBox error={error} />
      {loading && !data ? <Loading /> : null}
      <table>
        <thead>
          <tr>
            <th scope="col">{t('recall.name')}</th>
            <th scope="col">{t('recall.units')}</th>
            <th scope="col">{t('recall.createdAt')}</th>
            <th scope="col">{t('recall.approvals')}</th>
            {canReport && <th scope="col">{t('recall.reports')}</th>}
            <th scope="col">
              <span className="sr-only">{t('common.actions')}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {data?.recalls.map((r) => (
            <tr key={r.id} className={focus === r.id ? 'focus' : undefined} data-recall={r.id}>
              <td>
                {r.name} <span className="muted small">{r.id}</span>
              </td>
              <td>{fmtNum(r.counts.units)}</td>
              <td>
                {fmtTime(r.createdAt)} {r.createdBy ? `· ${r.createdBy}` : ''}
              </td>
              <td data-testid="approvals">
                {r.approvals.length
                  ? r.approvals.map((a) => `${a.signer} (${a.meaning}, ${fmtTime(a.signedAt)})`).join('; ')
                  : t('recall.awaiting')}
              </td>
              {canReport && (
                <td data-testid="recall-reports">
                  <ReportLinks request={{ kind: 'recall', recall: r.id }} label={t('report.recall')} />
                </td>
              )}
              <td>
                {canRecall && (
                  <button type="button" onClick={() => setSigning({ id: r.id, name: r.name })}>
                    {t('recall.approve')}
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {signing && (
        <SignatureDialog
          title={t('recall.approveTitle')}
          what={t('recall.approveWhat', { name: signing.name })}
          defaultMeaning={t('recall.approvedMeaning')}
          onSign={(meaning, password) => approve({ variables: { id: signing.id, password, meaning } })}
          onClose={() => setSigning(null)}
        />
      )}
    </section>
  );
}
