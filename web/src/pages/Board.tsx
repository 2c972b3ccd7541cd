/**
 * Live line board (big screen, dark): per equipment, each parameter's latest reading against its
 * spec band with a short trend; alarms as they arrive over the subscription; active holds; the
 * current shift's first-pass yield and the day's defect Pareto. Series are bounded (the last
 * SERIES readings per parameter, the last ALARMS alarms), so a full shift does not grow memory.
 */
import { useMutation, useQuery, useSubscription } from '@apollo/client/react';
import { useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { graphql } from '../graphql.ts';
import { fmtNum, fmtPct, fmtTime } from '../i18n.ts';
import { useCan } from '../scopes.tsx';
import { ErrorBox, Loading } from '../ui.tsx';

const SERIES = 120;
const ALARMS = 30;

const SPECS = graphql(`
  query BoardSpecs {
    specs {
      equipmentId
      parameter
      lsl
      usl
      target
      uom
    }
  }
`);

const STATE = graphql(`
  query BoardState($shiftStart: String!, $dayStart: String!) {
    alarms(status: open, limit: 30) {
      id
      equipmentId
      parameter
      value
      limit
      uom
      raisedAt
      status
      acknowledgedAt
      acknowledgedBy
      ackComment
    }
    holds(status: active) {
      id
      reason
      placedAt
    }
    shift: qualityStats(groupBy: LINE, from: $shiftStart) {
      units
      firstPass
      firstPassYield
    }
    day: qualityStats(groupBy: LINE, from: $dayStart) {
      defectPareto {
        code
        count
        share
      }
    }
  }
`);

const ALARM_RAISED = graphql(`
  subscription AlarmRaised {
    alarmRaised {
      id
      equipmentId
      parameter
      value
      limit
      uom
      raisedAt
      status
      acknowledgedAt
      acknowledgedBy
      ackComment
    }
  }
`);

const ALARM_CLEARED = graphql(`
  subscription AlarmCleared {
    alarmCleared {
      id
    }
  }
`);

const ALARM_CHANGED = graphql(`
  subscription AlarmChanged {
    alarmChanged {
      id
      acknowledgedAt
      acknowledgedBy
      ackComment
    }
  }
`);

const ACKNOWLEDGE = graphql(`
  mutation AcknowledgeAlarm($id: ID!, $comment: String!) {
    acknowledgeAlarm(id: $id, comment: $comment) {
      id
      acknowledgedAt
      acknowledgedBy
      ackComment
    }
  }
`);

const HOLD_CHANGED = graphql(`
  subscription HoldChanged {
    holdChanged {
      id
      status
    }
  }
`);

const READINGS = graphql(`
  subscription Readings($equipmentId: ID!) {
    readings(equipmentId: $equipmentId) {
      parameter
      value
      uom
      eventTime
    }
  }
`);

/** Shifts start at 06:00, 14:00 and 22:00 local time. */
function shiftStart(now: Date): Date {
  const d = new Date(now);
  const h = d.getHours();
  const start = h >= 22 ? 22 : h >= 14 ? 14 : h >= 6 ? 6 : -2;
  d.setHours(start, 0, 0, 0);
  return d;
}

interface Alarm {
  id: string;
  equipmentId: string;
  parameter: string;
  value: number;
  limit: number;
  uom: string | null;
  raisedAt: string;
  acknowledgedAt?: string | null;
  acknowledgedBy?: string | null;
  ackComment?: string | null;
}

interface Ack {
  acknowledgedAt: string | null;
  acknowledgedBy: string | null;
  ackComment: string | null;
}

export default function Board() {
  const { t } = useTranslation();
  const [now] = useState(() => new Date());
  const dayStart = useMemo(() => {
    const d = new Date(now);
    d.setHours(0, 0, 0, 0);
    return d.toISOString();
  }, [now]);
  const specs = useQuery(SPECS);
  const state = useQuery(STATE, { variables: { shiftStart: shiftStart(now).toISOString(), dayStart }, pollInterval: 120_000 });
  const [live, setLive] = useState<Alarm[]>([]);
  const [cleared, setCleared] = useState<ReadonlySet<string>>(new Set());
  useSubscription(ALARM_RAISED, {
    onData: ({ data }) => {
      const a = data.data?.alarmRaised;
      if (a) setLive((l) => [a, ...l.filter((x) => x.id !== a.id)].slice(0, ALARMS));
    },
  });
  useSubscription(ALARM_CLEARED, {
    onData: ({ data }) => {
      const a = data.data?.alarmCleared;
      if (a) setCleared((s) => new Set([...s, a.id].slice(-ALARMS * 4)));
    },
  });
  // Acknowledgements, from this board or any other, as they happen (bounded like the alarms).
  const [acks, setAcks] = useState<ReadonlyMap<string, Ack>>(new Map());
  const noteAck = (a: { id: string } & Ack) => {
    if (a.acknowledgedAt) setAcks((m) => new Map([...m, [a.id, a] as const].slice(-ALARMS * 4)));
  };
  useSubscription(ALARM_CHANGED, {
    onData: ({ data }) => {
      const a = data.data?.alarmChanged;
      if (a) noteAck(a);
    },
  });
  useSubscription(HOLD_CHANGED, { onData: () => void state.refetch() });
  const alarms = useMemo(() => {
    const all = [...live, ...(state.data?.alarms ?? [])];
    const seen = new Set<string>();
    return all.filter((a) => !seen.has(a.id) && seen.add(a.id) && !cleared.has(a.id)).slice(0, ALARMS);
  }, [live, state.data, cleared]);
  const equipment = useMemo(() => {
    const m = new Map<string, { parameter: string; lsl: number | null; usl: number | null; uom: string | null }[]>();
    for (const s of specs.data?.specs ?? []) {
      if (!s.equipmentId) continue;
      m.set(s.equipmentId, [...(m.get(s.equipmentId) ?? []), s]);
    }
    return [...m.entries()].sort(([a], [b]) => a.localeCompare(b));
  }, [specs.data]);
  const shift = state.data?.shift;
  const paretoMax = Math.max(1, ...(state.data?.day.defectPareto ?? []).map((d) => d.count));
  return (
    <div className="board">
      <h1>{t('board.title')}</h1>
      <ErrorBox error={specs.error ?? state.error} />
      <div className="board-top">
        <section className="panel" aria-labelledby="h-fpy">
          <h2 id="h-fpy">{t('board.fpy')}</h2>
          <p className="big">{fmtPct(shift?.firstPassYield)}</p>
          <p className="muted">{t('board.fpyOf', { pass: fmtNum(shift?.firstPass), units: fmtNum(shift?.units) })}</p>
        </section>
        <section className="panel" aria-labelledby="h-pareto">
          <h2 id="h-pareto">{t('board.pareto')}</h2>
          <ul className="pareto">
            {(state.data?.day.defectPareto ?? []).slice(0, 6).map((d) => (
              <li key={d.code}>
                <span className="code" title={d.code}>
                  {d.code}
                </span>
                <span className="count">{fmtNum(d.count)}</span>
                <span className="track" aria-hidden="true">
                  <span className="bar" style={{ width: `${Math.max(1, Math.round((d.count / paretoMax) * 100))}%` }} />
                </span>
              </li>
            ))}
          </ul>
          {state.data && state.data.day.defectPareto.length === 0 ? <p className="muted">{t('board.noDefects')}</p> : null}
        </section>
        <section className="panel" aria-labelledby="h-bholds">
          <h2 id="h-bholds">{t('home.activeHolds')}</h2>
          <p className="big">{fmtNum(state.data?.holds.length)}</p>
        </section>
      </div>
      <section className="panel alarms" aria-labelledby="h-balarms" aria-live="polite">
        <h2 id="h-balarms">{t('home.openAlarms')}</h2>
        {alarms.length === 0 ? <p className="muted">{t('board.noAlarms')}</p> : null}
        <ul data-testid="alarms">
          {alarms.map((a) => (
            <AlarmRow key={a.id} alarm={{ ...a, ...acks.get(a.id) }} onAck={noteAck} />
          ))}
        </ul>
      </section>
      {specs.loading && !specs.data ? <Loading /> : null}
      <div className="stations">
        {equipment.map(([eq, params]) => (
          <Station key={eq} equipmentId={eq} params={params} />
        ))}
      </div>
    </div>
  );
}

/** One alarm; where the role allows, acknowledged here with a comment (kept in the audit trail). */
function AlarmRow({ alarm: a, onAck }: { alarm: Alarm; onAck(a: { id: string } & Ack): void }) {
  const { t } = useTranslation();
  const canAck = useCan('readMonitor');
  const [open, setOpen] = useState(false);
  const [comment, setComment] = useState('');
  const [ack, acking] = useMutation(ACKNOWLEDGE);
  const acked = !!a.acknowledgedAt;
  return (
    <li className={acked ? 'alarm acked' : 'alarm'} data-alarm={a.id}>
      <div className="alarm-line">
        <span>
          <strong>{a.equipmentId}</strong> {a.parameter} {fmtNum(a.value, 2)} {a.uom ?? ''} · {t('home.limit')}{' '}
          {fmtNum(a.limit, 2)} · {fmtTime(a.raisedAt)}
        </span>
        {acked ? (
          <span className="ack-note" data-testid="acked">
            {t('board.acked', { by: a.acknowledgedBy ?? '–', time: fmtTime(a.acknowledgedAt) })}
            {a.ackComment ? ` · ${a.ackComment}` : ''}
          </span>
        ) : canAck && !open ? (
          <button type="button" onClick={() => setOpen(true)}>
            {t('board.ack')}
          </button>
        ) : null}
      </div>
      {!acked && canAck && open && (
        <form
          className="inline ack-form"
          onSubmit={(e) => {
            e.preventDefault();
            void ack({ variables: { id: a.id, comment: comment.trim() } })
              .then((r) => {
                if (r.data) onAck(r.data.acknowledgeAlarm);
                setOpen(false);
              })
              .catch(() => undefined);
          }}
        >
          <label>
            {t('board.ackComment')}
            <input value={comment} onChange={(e) => setComment(e.target.value)} required name="ackComment" autoFocus />
          </label>
          <button type="submit" className="primary" disabled={acking.loading || !comment.trim()}>
            {t('board.ackSubmit')}
          </button>
          <button type="button" onClick={() => setOpen(false)}>
            {t('common.cancel')}
          </button>
          <ErrorBox error={acking.error} />
        </form>
      )}
    </li>
  );
}

/** What a parameter's trend shows when the board opens: its readings of the last quarter hour. */
const HISTORY_MINUTES = 15;

const HISTORY = graphql(`
  query BoardHistory($equipmentId: ID!, $parameter: String!, $from: String!) {
    controlChart(equipmentId: $equipmentId, parameter: $parameter, from: $from) {
      points {
        value
        eventTime
      }
    }
  }
`);

interface Point {
  value: number;
  eventTime: string;
}

function Station({
  equipmentId,
  params,
}: {
  equipmentId: string;
  params: { parameter: string; lsl: number | null; usl: number | null; uom: string | null }[];
}) {
  const series = useRef(new Map<string, Point[]>());
  const [, tick] = useState(0);
  useSubscription(READINGS, {
    variables: { equipmentId },
    onData: ({ data }) => {
      const r = data.data?.readings;
      if (!r) return;
      const s = series.current.get(r.parameter) ?? [];
      s.push({ value: r.value, eventTime: r.eventTime });
      if (s.length > SERIES) s.splice(0, s.length - SERIES);
      series.current.set(r.parameter, s);
      tick((x) => (x + 1) % 1_000_000);
    },
  });
  return (
    <section className="panel station" aria-labelledby={`h-${equipmentId}`}>
      <h2 id={`h-${equipmentId}`}>{equipmentId}</h2>
      {params.map((p) => (
        <Param key={p.parameter} equipmentId={equipmentId} param={p} live={series.current.get(p.parameter) ?? []} />
      ))}
    </section>
  );
}

/**
 * One parameter: its latest value against the spec band and its trend, from the readings of the
 * last HISTORY_MINUTES when the board opened, followed by those that came live since.
 */
function Param({
  equipmentId,
  param: p,
  live,
}: {
  equipmentId: string;
  param: { parameter: string; lsl: number | null; usl: number | null; uom: string | null };
  live: Point[];
}) {
  const from = useMemo(() => new Date(Date.now() - HISTORY_MINUTES * 60_000).toISOString(), []);
  const history = useQuery(HISTORY, { variables: { equipmentId, parameter: p.parameter, from } });
  const before = history.data?.controlChart.points ?? [];
  const lastBefore = before.at(-1)?.eventTime ?? '';
  const s = [...before, ...live.filter((r) => r.eventTime > lastBefore)].slice(-SERIES).map((r) => r.value);
  const last = s.at(-1);
  const out = last !== undefined && ((p.usl !== null && last > p.usl) || (p.lsl !== null && last < p.lsl));
  return (
    <div className={out ? 'param oos' : 'param'} aria-busy={history.loading}>
      <span className="name">{p.parameter}</span>
      <span className="value">
        {fmtNum(last, 1)} {p.uom ?? ''}
      </span>
      <span className="band">
        [{fmtNum(p.lsl, 1)}, {fmtNum(p.usl, 1)}]
      </span>
      <Spark values={s} lsl={p.lsl} usl={p.usl} />
    </div>
  );
}

function Spark({ values, lsl, usl }: { values: number[]; lsl: number | null; usl: number | null }) {
  if (values.length < 2) return <svg className="spark" aria-hidden="true" />;
  const lo = Math.min(...values, lsl ?? Infinity);
  const hi = Math.max(...values, usl ?? -Infinity);
  const span = hi - lo || 1;
  const y = (v: number) => 28 - ((v - lo) / span) * 26;
  const pts = values.map((v, i) => `${(i / (SERIES - 1)) * 120},${y(v)}`).join(' ');
  return (
    <svg className="spark" viewBox="0 0 120 30" aria-hidden="true">
      {usl !== null && <line x1="0" x2="120" y1={y(usl)} y2={y(usl)} className="limit" />}
      {lsl !== null && <line x1="0" x2="120" y1={y(lsl)} y2={y(lsl)} className="limit" />}
      <polyline points={pts} />
    </svg>
  );
}
