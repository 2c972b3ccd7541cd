/**
 * Genealogy explorer: forward, backward or both from any lot, unit, container or shipment, drawn
 * by Cytoscape with a layered left-to-right (dagre) layout computed in a Web Worker; quantities on
 * edges; colours and a legend for held, failed and shipped; grouped compound nodes that expand on
 * demand; a side panel with the item's history; search inside the graph; PNG and SVG export. This
 * page (and its libraries) is loaded only when opened.
 */
import { useQuery } from '@apollo/client/react';
import cytoscape, { type Core, type ElementDefinition } from 'cytoscape';
import { useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { graphql } from '../graphql.ts';
import { fmtNum, fmtTime } from '../i18n.ts';
import { Link, useLocation } from '../router.tsx';
import { download, ErrorBox, Loading, StatusBadges } from '../ui.tsx';
import { draw, groupGraph, type GEdge, type GNode } from './graph-groups.ts';
import { layout, prewarm } from './graph-layout-client.ts';
import { STYLE } from './graph-style.ts';

const GENEALOGY = graphql(`
  query Genealogy($id: ID!, $direction: GenealogyDirection!, $depth: Int!) {
    genealogy(id: $id, direction: $direction, depth: $depth, maxNodes: 5000) {
      root
      truncated
      message
      nodes {
        id
        ref
        label
        kind
        status
        level
      }
      edges {
        source
        target
        kind
        qty
        uom
      }
    }
  }
`);

const ITEM = graphql(`
  query GenealogyItem($id: ID!) {
    unitHistory(id: $id) {
      id
      kind
      status
      timeline {
        time
        type
        summary
      }
      inspections {
        id
        result
        defects
        eventTime
      }
      operations {
        id
        equipment
        step
      }
    }
  }
`);

type Direction = 'UP' | 'DOWN' | 'BOTH';
const DIRECTIONS: Direction[] = ['DOWN', 'UP', 'BOTH'];

export default function Genealogy() {
  const { t } = useTranslation();
  const { query, navigate } = useLocation();
  const id = query.get('id') ?? '';
  const direction = (DIRECTIONS.includes(query.get('dir') as Direction) ? query.get('dir') : 'BOTH') as Direction;
  const depth = Math.min(20, Math.max(1, Number(query.get('depth') ?? (direction === 'BOTH' ? 4 : 10)) || 4));
  const [input, setInput] = useState(id);
  useEffect(() => setInput(id), [id]);
  const go = (next: { id?: string; dir?: Direction; depth?: number }) => {
    const q = new URLSearchParams({ id: next.id ?? id, dir: next.dir ?? direction });
    if (next.depth) q.set('depth', String(next.depth));
    navigate(`/genealogy?${q}`);
  };
  return (
    <>
      <h1>{t('genealogy.title')}</h1>
      <form
        className="inline"
        onSubmit={(e) => {
          e.preventDefault();
          go({ id: input.trim() });
        }}
      >
        <label>
          {t('genealogy.from')}
          <input name="id" value={input} onChange={(e) => setInput(e.target.value)} size={50} required />
        </label>
        <label>
          {t('genealogy.direction')}
          <select value={direction} onChange={(e) => go({ dir: e.target.value as Direction })}>
            {DIRECTIONS.map((d) => (
              <option key={d} value={d}>
                {t(`genealogy.dir.${d}`)}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" className="primary">
          {t('genealogy.show')}
        </button>
      </form>
      {id ? (
        <Graph
          key={`${id}|${direction}|${depth}`}
          id={id}
          direction={direction}
          depth={depth}
          onRoot={(ref, dir) => go({ id: ref, dir })}
        />
      ) : (
        <p className="muted">{t('genealogy.empty')}</p>
      )}
    </>
  );
}

function Graph({
  id,
  direction,
  depth,
  onRoot,
}: {
  id: string;
  direction: Direction;
  depth: number;
  onRoot(ref: string, dir: Direction): void;
}) {
  const { t } = useTranslation();
  // Not through Apollo's cache: normalising and reading back thousands of nodes and edges took
  // seconds of the main thread on a large trace, and nothing else reads them.
  const { data, error, loading } = useQuery(GENEALOGY, { variables: { id, direction, depth }, fetchPolicy: 'no-cache' });
  useEffect(prewarm, []);
  const box = useRef<HTMLDivElement>(null);
  const cyRef = useRef<Core | null>(null);
  const [selected, setSelected] = useState<{ id: string; kind: string; ref?: string; label: string } | null>(null);
  const [search, setSearch] = useState('');
  const [stats, setStats] = useState<{ nodes: number; edges: number; layoutMs: number; where: string } | null>(null);
  const [layoutError, setLayoutError] = useState<unknown>(null);
  // Where the time goes from opening the graph to a drawn one: the API's answer, grouping, layout.
  const timing = useRef({ mounted: performance.now(), fetchMs: 0, groupMs: 0 });
  const g = data?.genealogy;
  const grouped = useMemo(() => {
    if (!g) return null;
    const started = performance.now();
    timing.current.fetchMs = Math.round(started - timing.current.mounted);
    const r = groupGraph(g.nodes as GNode[], g.edges as GEdge[], g.root);
    timing.current.groupMs = Math.round(performance.now() - started);
    return r;
  }, [g]);
  // Small graphs open fully; large ones start with every group closed (until the user opens one).
  const [opened, setExpanded] = useState<Set<string> | null>(null);
  const expanded = useMemo(
    () => opened ?? (g && grouped && g.nodes.length <= 60 ? new Set(grouped.groups.keys()) : new Set<string>()),
    [opened, g, grouped],
  );
  const expandedNow = useRef(expanded);
  useEffect(() => {
    expandedNow.current = expanded;
  }, [expanded]);
  const drawn = useMemo(
    () => (g && grouped ? draw(g.nodes as GNode[], g.edges as GEdge[], grouped.groups, grouped.owner, expanded) : null),
    [g, grouped, expanded],
  );

  // Laid out in a worker (graph-layout.ts), then drawn at those positions in one batch: the page
  // stays responsive however large the graph, and a layout overtaken by a newer drawing is dropped.
  useEffect(() => {
    if (!box.current || !drawn) return;
    let live = true;
    const started = performance.now();
    const elements = drawn.elements as ElementDefinition[];
    void layout(elements)
      .then(({ positions, where }) => {
        if (!live || !box.current) return;
        const cy =
          cyRef.current ??
          cytoscape({
            container: box.current,
            style: STYLE,
            wheelSensitivity: 0.3,
            minZoom: 0.05,
            maxZoom: 4,
            boxSelectionEnabled: false,
          });
        cyRef.current = cy;
        cy.batch(() => {
          cy.elements().remove();
          cy.add(
            elements.map((e) => (e.group === 'nodes' && positions[e.data.id!] ? { ...e, position: positions[e.data.id!] } : e)),
          );
        });
        cy.fit(undefined, 30);
        cy.off('tap dbltap');
        cy.on('tap', 'node', (e) => {
          const n = e.target as cytoscape.NodeSingular;
          setSelected({
            id: n.id(),
            kind: n.data('kind') as string,
            ref: n.data('ref') as string | undefined,
            label: n.data('label') as string,
          });
        });
        cy.on('dbltap', 'node.group', (e) => toggle((e.target as cytoscape.NodeSingular).id()));
        setStats({ nodes: drawn.nodes, edges: drawn.edges, layoutMs: Math.round(performance.now() - started), where });
      })
      .catch((e: unknown) => {
        if (live) setLayoutError(e);
      });
    return () => {
      live = false;
    };
  }, [drawn]);
  useEffect(() => () => cyRef.current?.destroy(), []);
  useEffect(() => {
    const cy = cyRef.current;
    if (!cy) return;
    cy.nodes().removeClass('match');
    const q = search.trim().toLowerCase();
    if (!q) return;
    const hits = cy.nodes().filter((n) =>
      String(n.data('ref') ?? n.data('label'))
        .toLowerCase()
        .includes(q),
    );
    hits.addClass('match');
    if (hits.length) cy.fit(hits, 60);
  }, [search, stats]);

  const toggle = (gid: string) =>
    setExpanded((s) => {
      const next = new Set(s ?? expandedNow.current);
      if (next.has(gid)) next.delete(gid);
      else next.add(gid);
      return next;
    });

  const exportPng = () => {
    const cy = cyRef.current;
    if (!cy) return;
    download('genealogy.png', cy.png({ output: 'blob', full: true, bg: '#ffffff', scale: 2 }), 'image/png');
  };
  const exportSvg = () => {
    const cy = cyRef.current;
    if (cy) download('genealogy.svg', toSvg(cy), 'image/svg+xml');
  };

  if (error || layoutError) return <ErrorBox error={error ?? layoutError} />;
  if (loading && !g) return <Loading />;
  if (!g || !grouped) return null;
  const closed = [...grouped.groups.values()].filter((x) => !expanded.has(x.id) && (!x.parent || expanded.has(x.parent)));
  return (
    <div className="genealogy">
      <div className="graph-tools">
        <form
          role="search"
          onSubmit={(e) => {
            // Enter selects the first match: the side panel then offers its history and new traces.
            e.preventDefault();
            const hit = cyRef.current?.nodes('.match').first();
            if (hit && hit.length) {
              cyRef.current?.nodes().unselect();
              hit.select();
              setSelected({
                id: hit.id(),
                kind: hit.data('kind') as string,
                ref: hit.data('ref') as string | undefined,
                label: hit.data('label') as string,
              });
            }
          }}
        >
          <label>
            {t('genealogy.search')}
            <input type="search" value={search} onChange={(e) => setSearch(e.target.value)} name="graphSearch" />
          </label>
        </form>
        <button type="button" onClick={() => setExpanded(new Set(grouped.groups.keys()))}>
          {t('genealogy.expandAll')}
        </button>
        <button type="button" onClick={() => setExpanded(new Set())}>
          {t('genealogy.collapseAll')}
        </button>
        <button type="button" onClick={exportPng}>
          {t('genealogy.png')}
        </button>
        <button type="button" onClick={exportSvg}>
          {t('genealogy.svg')}
        </button>
        {stats && (
          <span
            className="muted small"
            data-testid="graph-ready"
            data-nodes={stats.nodes}
            data-edges={stats.edges}
            data-layout-ms={stats.layoutMs}
            data-layout-in={stats.where}
            data-fetch-ms={timing.current.fetchMs}
            data-group-ms={timing.current.groupMs}
          >
            {t('genealogy.stats', {
              nodes: fmtNum(stats.nodes),
              edges: fmtNum(stats.edges),
              total: fmtNum(g.nodes.length),
              ms: fmtNum(stats.layoutMs),
            })}
          </span>
        )}
      </div>
      {g.truncated && g.message ? (
        <p role="status" className="warn">
          {g.message}
        </p>
      ) : null}
      <div className="graph-row">
        <div ref={box} className="cy" role="img" aria-label={t('genealogy.graphLabel', { id })} data-testid="cy" />
        <aside className="side" aria-label={t('genealogy.details')}>
          <Legend />
          {selected ? (
            <Selected sel={selected} expanded={expanded.has(selected.id)} onToggle={toggle} onRoot={onRoot} />
          ) : (
            <p className="muted small">{t('genealogy.clickHint')}</p>
          )}
          {closed.length > 0 && (
            <section aria-labelledby="h-groups">
              <h3 id="h-groups">{t('genealogy.groups', { n: fmtNum(closed.length) })}</h3>
              <ul className="groups" data-testid="groups">
                {closed.slice(0, 50).map((x) => (
                  <li key={x.id}>
                    <button type="button" className="link" onClick={() => toggle(x.id)} data-group={x.id}>
                      {t('genealogy.expand')} {x.label} ({fmtNum(x.size)})
                    </button>
                  </li>
                ))}
              </ul>
            </section>
          )}
        </aside>
      </div>
    </div>
  );
}

function Legend() {
  const { t } = useTranslation();
  const items = ['lot', 'unit', 'container', 'operation', 'shipment', 'customer', 'held', 'failed', 'shipped', 'group'];
  return (
    <ul className="legend" aria-label={t('genealogy.legend')}>
      {items.map((k) => (
        <li key={k}>
          <span className={`swatch swatch-${k}`} aria-hidden="true" /> {t(`genealogy.legendItem.${k}`)}
        </li>
      ))}
    </ul>
  );
}

function Selected({
  sel,
  expanded,
  onToggle,
  onRoot,
}: {
  sel: { id: string; kind: string; ref?: string; label: string };
  expanded: boolean;
  onToggle(id: string): void;
  onRoot(ref: string, dir: Direction): void;
}) {
  const { t } = useTranslation();
  const item = sel.ref && ['lot', 'unit', 'container'].includes(sel.kind) ? sel.ref : undefined;
  const { data, error } = useQuery(ITEM, { variables: { id: item ?? '' }, skip: !item });
  if (sel.kind === 'group')
    return (
      <section>
        <h3>{sel.label}</h3>
        <button type="button" onClick={() => onToggle(sel.id)}>
          {expanded ? t('genealogy.collapse') : t('genealogy.expand')}
        </button>
      </section>
    );
  const h = data?.unitHistory;
  const equipment = [...new Set(h?.operations.map((o) => o.equipment).filter(Boolean) ?? [])];
  return (
    <section aria-labelledby="h-sel">
      <h3 id="h-sel" className="break">
        {sel.ref ?? sel.label}
      </h3>
      <p>
        {t(`kind.${sel.kind}`, { defaultValue: sel.kind })} {h ? <StatusBadges status={h.status} /> : null}
      </p>
      {item && (
        <p>
          <button type="button" onClick={() => onRoot(item, 'DOWN')}>
            {t('genealogy.forwardFromHere')}
          </button>{' '}
          <button type="button" onClick={() => onRoot(item, 'UP')}>
            {t('genealogy.backwardFromHere')}
          </button>{' '}
          <Link to={`/lookup?q=${encodeURIComponent(item)}`}>{t('genealogy.history')}</Link>
        </p>
      )}
      <ErrorBox error={error} />
      {h && (
        <>
          {equipment.length > 0 && (
            <p>
              {t('lookup.equipment')}: {equipment.join(', ')}
            </p>
          )}
          <h4>{t('lookup.inspections')}</h4>
          <ul className="small">
            {h.inspections.map((i) => (
              <li key={i.id}>
                {fmtTime(i.eventTime)} {t(`lookup.verdict.${i.result}`, { defaultValue: i.result })} {i.defects.join(', ')}
              </li>
            ))}
          </ul>
          <h4>{t('lookup.timeline')}</h4>
          <ol className="small">
            {h.timeline.slice(0, 12).map((e, i) => (
              <li key={i}>
                {fmtTime(e.time)} {e.summary}
              </li>
            ))}
          </ol>
        </>
      )}
    </section>
  );
}

/** A plain SVG of what is drawn: node shapes as circles, edges as lines, labels as text. */
function toSvg(cy: Core): string {
  const bb = cy.elements().boundingBox();
  const pad = 20;
  const esc = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
  const parts: string[] = [];
  cy.nodes('.group.open').forEach((n) => {
    const b = n.boundingBox();
    parts.push(`<rect x="${b.x1}" y="${b.y1}" width="${b.w}" height="${b.h}" fill="#f1f3f8" stroke="#5b4a9e"/>`);
  });
  cy.edges().forEach((e) => {
    const s = e.sourceEndpoint();
    const t = e.targetEndpoint();
    parts.push(`<line x1="${s.x}" y1="${s.y}" x2="${t.x}" y2="${t.y}" stroke="#9aa5b1"/>`);
    const label = String(e.data('label') ?? '');
    if (label) parts.push(`<text x="${(s.x + t.x) / 2}" y="${(s.y + t.y) / 2}" font-size="8">${esc(label)}</text>`);
  });
  cy.nodes()
    .not('.group.open')
    .forEach((n) => {
      const p = n.position();
      const fill = String(n.style('background-color'));
      parts.push(`<circle cx="${p.x}" cy="${p.y}" r="${n.width() / 2}" fill="${fill}"/>`);
      parts.push(
        `<text x="${p.x}" y="${p.y + n.height() / 2 + 10}" font-size="10" text-anchor="middle">${esc(String(n.data('label')))}</text>`,
      );
    });
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="${bb.x1 - pad} ${bb.y1 - pad} ${bb.w + 2 * pad} ${bb.h + 2 * pad}" font-family="sans-serif">${parts.join('')}</svg>`;
}
