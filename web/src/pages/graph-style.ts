/** The genealogy graph's Cytoscape style: the page draws with it and the layout worker sizes nodes by it. */
import type cytoscape from 'cytoscape';

export const STYLE: cytoscape.StylesheetJson = [
  {
    selector: 'node',
    style: {
      label: 'data(label)',
      'font-size': 10,
      'text-valign': 'bottom',
      'text-margin-y': 3,
      'background-color': '#6b7a90',
      width: 22,
      height: 22,
      'border-width': 0,
    },
  },
  { selector: 'node.lot', style: { shape: 'round-rectangle', 'background-color': '#8a6d3b' } },
  { selector: 'node.unit', style: { 'background-color': '#2d6cdf' } },
  { selector: 'node.container', style: { shape: 'rectangle', 'background-color': '#5b4a9e' } },
  { selector: 'node.operation', style: { shape: 'diamond', width: 14, height: 14, 'background-color': '#999' } },
  { selector: 'node.shipment', style: { shape: 'tag', 'background-color': '#1f7a4a' } },
  { selector: 'node.customer', style: { shape: 'star', 'background-color': '#0e5c36' } },
  { selector: 'node.shipped', style: { 'border-width': 3, 'border-color': '#1f9d55' } },
  { selector: 'node.failed', style: { 'background-color': '#c62828' } },
  { selector: 'node.held', style: { 'border-width': 4, 'border-color': '#e08a00', 'border-style': 'double' } },
  {
    selector: 'node.group.closed',
    style: {
      shape: 'round-rectangle',
      width: 46,
      height: 30,
      'background-color': '#d7ddea',
      'border-width': 2,
      'border-color': '#5b4a9e',
      'text-valign': 'center',
      'text-margin-y': 0,
    },
  },
  {
    selector: 'node.group.open',
    style: {
      'background-color': '#f1f3f8',
      'background-opacity': 0.6,
      'border-width': 1,
      'border-color': '#5b4a9e',
      'text-valign': 'top',
      'text-margin-y': -2,
    },
  },
  { selector: 'node.match', style: { 'overlay-color': '#ffd400', 'overlay-opacity': 0.45, 'overlay-padding': 6 } },
  { selector: 'node:selected', style: { 'overlay-color': '#2d6cdf', 'overlay-opacity': 0.3 } },
  {
    selector: 'edge',
    style: {
      width: 1.2,
      'curve-style': 'bezier',
      'target-arrow-shape': 'triangle',
      'arrow-scale': 0.7,
      'line-color': '#9aa5b1',
      'target-arrow-color': '#9aa5b1',
      label: 'data(label)',
      'font-size': 8,
      'text-background-color': '#fff',
      'text-background-opacity': 0.8,
    },
  },
];
