/**
 * The genealogy's layered left-to-right layout (dagre) without a screen: Cytoscape headless with
 * the page's style (so nodes have the sizes they are drawn with) and the dagre extension. The page
 * runs it in a Web Worker (graph-layout-worker.ts), so a large graph never freezes the page while
 * it is laid out; the answer is where each node goes (compound groups follow their members).
 */
import cytoscape, { type ElementDefinition } from 'cytoscape';
import dagre from 'cytoscape-dagre';
import { STYLE } from './graph-style.ts';

cytoscape.use(dagre);

export interface LayoutRequest {
  seq: number;
  elements: ElementDefinition[];
}
export interface LayoutAnswer {
  seq: number;
  positions: Record<string, { x: number; y: number }>;
  ms: number;
  error?: string;
}

export const DAGRE = { name: 'dagre', rankDir: 'LR', nodeSep: 12, rankSep: 60, animate: false, fit: false } as const;

export function layoutPositions(elements: readonly ElementDefinition[]): Record<string, { x: number; y: number }> {
  const cy = cytoscape({ headless: true, styleEnabled: true, style: STYLE, elements: [...elements] });
  cy.layout(DAGRE as cytoscape.LayoutOptions).run();
  const positions: Record<string, { x: number; y: number }> = {};
  cy.nodes().forEach((n) => {
    if (!n.isParent()) positions[n.id()] = { ...n.position() };
  });
  cy.destroy();
  return positions;
}
