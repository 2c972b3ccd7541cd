/** What needs attention now: open alarms, active holds, recalls awaiting approval, ingest lag. */
import { useQuery } from '@apollo/client/react';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { graphql } from '../graphql.ts';
import { fmtNum, fmtTime } from '../i18n.ts';
import { Link } from '../router.tsx';
import { useCan } from '../scopes.tsx';
import { ErrorBox, Loading } from '../ui.tsx';

const MONITOR = graphql(`
  query HomeMonitor {
    alarms(status: open, limit: 20) {
      id
      equipmentId
      parameter
      value
      limit
      uom
      raisedAt
    }
    holds(status: active) {
      id
      reason
      placedAt
      placedBy
    }
  }
`);

const RECALLS = graphql(`
  query HomeRecalls {
    recalls {
      id
      name
      createdAt
      counts {
        units
      }
      approvals {
        signer
      }
    }
  }
`);

/** Seconds since the newest event per source, from the server's Prometheus text at /metrics. */
function useIngestLag(): Record<string, number> | null {
  const [lag, setLag] = useState<Record<string, number> | null>(null);
  useEffect(() => {
    let stop = false;
    const read = async () => {
      const text = await (await fetch('/metrics')).text();
      const out: Record<string, number> = {};
      for (const m of text.matchAll(/^tracegraph_ingest_lag_seconds\{source="([^"]+)"\} ([\d.eE+-]+)$/gm))
        out[m[1]!] = Number(m[2]);
      if (!stop) setLag(out);
    };
    void read().catch(() => undefined);
    const timer = setInterval(() => void read().catch(() => undefined), 10_000);
    return () => {
      stop = true;
      clearInterval(timer);
    };
  }, []);
  return lag;
}

export default function Home() {
  const { t } = useTranslation();
  const monitor = useCan('readMonitor');
  const trace = useCan('readTrace');
  const m = useQuery(MONITOR, { skip: !monitor, pollInterval: 15_000 });
  const r = useQuery(RECALLS, { skip: !trace });
  const lag = useIngestLag();
  const awaiting = r.data?.recalls.filter((x) => x.approvals.length === 0) ?? [];
  return (
    <>
      <h1>{t('home.title')}</h1>
      <div className="cards" data-testid="home-ready">
        {monitor && (
          <section className="card" aria-labelledby="h-alarms">
            <h2 id="h-alarms">
              {t('home.openAlarms')} <span className="count">{fmtNum(m.data?.alarms.length)}</span>
            </h2>
            <ErrorBox error={m.error} />
            {m.loading && !m.data ? <Loading /> : null}
            <ul>
              {m.data?.alarms.slice(0, 5).map((a) => (
                <li key={a.id}>
                  <strong>{a.equipmentId}</strong> {a.parameter} {fmtNum(a.value, 2)} {a.uom ?? ''} ({t('home.limit')}{' '}
                  {fmtNum(a.limit, 2)}) · {fmtTime(a.raisedAt)}
                </li>
              ))}
            </ul>
            <Link to="/board">{t('nav.board')}</Link>
          </section>
        )}
        {monitor && (
          <section className="card" aria-labelledby="h-holds">
            <h2 id="h-holds">
              {t('home.activeHolds')} <span className="count">{fmtNum(m.data?.holds.length)}</span>
            </h2>
            <ul>
              {m.data?.holds.slice(0, 5).map((h) => (
                <li key={h.id}>
                  <strong>{h.id}</strong> {h.reason} · {h.placedBy}
                </li>
              ))}
            </ul>
            <Link to="/holds">{t('nav.holds')}</Link>
          </section>
        )}
        {trace && (
          <section className="card" aria-labelledby="h-recalls">
            <h2 id="h-recalls">
              {t('home.awaitingApproval')} <span className="count">{fmtNum(r.data ? awaiting.length : undefined)}</span>
            </h2>
            <ErrorBox error={r.error} />
            <ul>
              {awaiting.slice(0, 5).map((x) => (
                <li key={x.id}>
                  <Link to={`/recall?recall=${encodeURIComponent(x.id)}`}>{x.name}</Link> · {fmtNum(x.counts.units)}{' '}
                  {t('recall.units')}
                </li>
              ))}
            </ul>
            <Link to="/recall">{t('nav.recall')}</Link>
          </section>
        )}
        <section className="card" aria-labelledby="h-lag">
          <h2 id="h-lag">{t('home.ingestLag')}</h2>
          {lag === null ? (
            <Loading />
          ) : Object.keys(lag).length === 0 ? (
            <p className="muted">{t('home.noIngest')}</p>
          ) : (
            <ul>
              {Object.entries(lag).map(([source, s]) => (
                <li key={source}>
                  {source}: {fmtNum(s, 1)} s
                </li>
              ))}
            </ul>
          )}
        </section>
        <section className="card" aria-labelledby="h-lookup">
          <h2 id="h-lookup">{t('nav.lookup')}</h2>
          <p className="muted">{t('home.lookupLead')}</p>
          <Link to="/lookup">{t('lookup.open')}</Link>
        </section>
      </div>
    </>
  );
}
