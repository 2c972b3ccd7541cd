/**
 * Serial lookup for customer service: one box for a serial, an EPC URI, a Digital Link URL or a raw
 * scanned GS1 element string (a hand scanner types FNC1 as the GS character); the unit's history as
 * a timeline with its operations, parameters against spec, materials, inspections, holds, shipment
 * and customer; a printable view with the unit's Digital Link as a QR code; the unit record (PDF)
 * for roles that may read reports.
 */
import { useLazyQuery, useQuery } from '@apollo/client/react';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { graphql } from '../graphql.ts';
import { fmtNum, fmtTime } from '../i18n.ts';
import { Link, useLocation } from '../router.tsx';
import { ReportLinks } from '../reports.tsx';
import { useCan } from '../scopes.tsx';
import { ErrorBox, Loading, StatusBadges } from '../ui.tsx';

const RESOLVE = graphql(`
  query ResolveScan($input: String!) {
    resolveScan(input: $input) {
      id
      read
      found
      digitalLink
    }
  }
`);

const HISTORY = graphql(`
  query UnitHistory($id: ID!) {
    unitHistory(id: $id) {
      id
      kind
      status
      materials
      subAssemblies
      timeline {
        time
        type
        ref
        summary
      }
      operations {
        id
        step
        station
        equipment
        operator
        recipe
        result
        role
        startTime
        endTime
        parameters {
          parameter
          uom
          min
          max
          mean
          inSpec
          spec {
            lsl
            usl
          }
        }
      }
      inspections {
        id
        result
        defects
        station
        eventTime
      }
      holds {
        id
        reason
        placedAt
        releasedAt
      }
      shipments {
        id
        customer
        eventTime
      }
    }
  }
`);

export default function Lookup() {
  const { t } = useTranslation();
  const { query, navigate } = useLocation();
  const q = query.get('q') ?? '';
  const [input, setInput] = useState(q);
  const [resolve, resolved] = useLazyQuery(RESOLVE, { fetchPolicy: 'network-only' });
  useEffect(() => {
    if (q) void resolve({ variables: { input: q } }).catch(() => undefined);
  }, [q, resolve]);
  const r = resolved.data?.resolveScan;
  return (
    <>
      <h1>{t('lookup.title')}</h1>
      <form
        className="inline noprint"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          navigate(`/lookup?q=${encodeURIComponent(input)}`);
        }}
      >
        <label>
          {t('lookup.input')}
          <input
            name="scan"
            value={input}
            onChange={(e) => setInput(e.target.value)}
            autoFocus
            size={60}
            autoComplete="off"
            spellCheck={false}
            data-testid="scan-input"
          />
        </label>
        <button type="submit" className="primary">
          {t('lookup.search')}
        </button>
        <button type="button" onClick={() => print()}>
          {t('lookup.print')}
        </button>
      </form>
      <p className="muted small noprint">{t('lookup.hint')}</p>
      <ErrorBox error={resolved.error} />
      {resolved.loading ? <Loading /> : null}
      {r && !r.found ? (
        <div role="alert" className="error">
          {t('lookup.notFound', { id: r.id })}
        </div>
      ) : null}
      {r?.found ? <History id={r.id} digitalLink={r.digitalLink ?? null} read={r.read} /> : null}
    </>
  );
}

function Qr({ path }: { path: string }) {
  const { t } = useTranslation();
  const [svg, setSvg] = useState<string | null>(null);
  const url = `${location.origin}${path}`;
  useEffect(() => {
    let live = true;
    // Loaded with this page only: the QR encoder is not needed anywhere else.
    void import('qrcode').then((QR) =>
      QR.toString(url, { type: 'svg', margin: 1 }).then((s) => {
        if (live) setSvg(s);
      }),
    );
    return () => {
      live = false;
    };
  }, [url]);
  return (
    <figure className="qr">
      {svg ? (
        <img
          src={`data:image/svg+xml;utf8,${encodeURIComponent(svg)}`}
          alt={t('lookup.qrAlt', { url })}
          width={140}
          height={140}
        />
      ) : null}
      <figcaption>
        <a href={path}>{url}</a>
      </figcaption>
    </figure>
  );
}

function History({ id, digitalLink, read }: { id: string; digitalLink: string | null; read: string }) {
  const { t } = useTranslation();
  const canTrace = useCan('readTrace');
  const canReport = useCan('reports');
  const { data, error, loading } = useQuery(HISTORY, { variables: { id } });
  if (error) return <ErrorBox error={error} />;
  if (loading && !data) return <Loading />;
  if (!data) return null;
  const h = data.unitHistory;
  const shipment = h.shipments.at(-1);
  return (
    <article className="history" aria-labelledby="h-unit">
      <header className="history-head">
        <div>
          <h2 id="h-unit" data-testid="unit-id">
            {h.id}
          </h2>
          <p>
            {t(`kind.${h.kind}`, { defaultValue: h.kind })} · {t(`lookup.read.${read}`)} <StatusBadges status={h.status} />
          </p>
          {shipment ? (
            <p>
              {t('lookup.shippedTo', {
                customer: shipment.customer ?? '–',
                shipment: shipment.id,
                time: fmtTime(shipment.eventTime),
              })}
            </p>
          ) : (
            <p>{t('lookup.notShipped')}</p>
          )}
          {canTrace && (
            <p className="noprint">
              <Link to={`/genealogy?id=${encodeURIComponent(h.id)}&dir=BOTH`}>{t('lookup.openGenealogy')}</Link>
            </p>
          )}
          {canReport && (
            <p className="noprint">
              <ReportLinks request={{ kind: 'unit', id: h.id }} label={t('report.unit')} />
            </p>
          )}
        </div>
        {digitalLink ? <Qr path={digitalLink} /> : null}
      </header>
      <section aria-labelledby="h-timeline">
        <h3 id="h-timeline">{t('lookup.timeline')}</h3>
        <ol className="timeline" data-testid="timeline">
          {h.timeline.map((e) => (
            <li key={`${e.type}-${e.ref}-${e.time}`}>
              <time dateTime={e.time}>{fmtTime(e.time)}</time>{' '}
              <span className={`tag tag-${e.type.toLowerCase()}`}>{t(`timeline.${e.type}`)}</span> {e.summary}
            </li>
          ))}
        </ol>
      </section>
      <section aria-labelledby="h-ops">
        <h3 id="h-ops">{t('lookup.operations')}</h3>
        <table>
          <thead>
            <tr>
              <th scope="col">{t('lookup.step')}</th>
              <th scope="col">{t('lookup.station')}</th>
              <th scope="col">{t('lookup.equipment')}</th>
              <th scope="col">{t('lookup.operator')}</th>
              <th scope="col">{t('lookup.parameters')}</th>
              <th scope="col">{t('lookup.result')}</th>
            </tr>
          </thead>
          <tbody>
            {h.operations.map((o) => (
              <tr key={o.id}>
                <td>
                  {o.step} <span className="muted small">{t(`lookup.role.${o.role}`, { defaultValue: o.role })}</span>
                </td>
                <td>{o.station}</td>
                <td>{o.equipment ?? '–'}</td>
                <td>{o.operator ?? '–'}</td>
                <td>
                  {o.parameters.map((p) => (
                    <div key={p.parameter} className={p.inSpec === false ? 'oos' : undefined}>
                      {p.parameter} {fmtNum(p.min, 1)}–{fmtNum(p.max, 1)} {p.uom ?? ''}
                      {p.spec ? ` [${fmtNum(p.spec.lsl, 1)}, ${fmtNum(p.spec.usl, 1)}]` : ''}
                      {p.inSpec === false ? ` ${t('lookup.outOfSpec')}` : ''}
                    </div>
                  ))}
                </td>
                <td>{o.result ?? '–'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <section aria-labelledby="h-materials">
        <h3 id="h-materials">{t('lookup.materials')}</h3>
        <ul>
          {[...h.materials, ...h.subAssemblies].map((m) => (
            <li key={m}>
              <Link to={`/lookup?q=${encodeURIComponent(m)}`}>{m}</Link>
            </li>
          ))}
        </ul>
      </section>
      <section aria-labelledby="h-insp">
        <h3 id="h-insp">{t('lookup.inspections')}</h3>
        <ul>
          {h.inspections.map((i) => (
            <li key={i.id}>
              {fmtTime(i.eventTime)} · {t(`lookup.verdict.${i.result}`, { defaultValue: i.result })}
              {i.station ? ` · ${i.station}` : ''}
              {i.defects.length ? ` · ${i.defects.join(', ')}` : ''}
            </li>
          ))}
        </ul>
      </section>
      {h.holds.length > 0 && (
        <section aria-labelledby="h-holds">
          <h3 id="h-holds">{t('nav.holds')}</h3>
          <ul>
            {h.holds.map((x) => (
              <li key={x.id}>
                {x.id} · {x.reason} · {fmtTime(x.placedAt)} {x.releasedAt ? `→ ${fmtTime(x.releasedAt)}` : ''}
              </li>
            ))}
          </ul>
        </section>
      )}
    </article>
  );
}
