/**
 * Asks the layout worker for positions; one worker per page, created on first use. Where a worker
 * cannot start, the layout runs here instead (loaded only then).
 */
import type { ElementDefinition } from 'cytoscape';
import type { LayoutAnswer } from './graph-layout.ts';

let worker: Worker | null | undefined;
let seq = 0;
const waiting = new Map<number, (a: LayoutAnswer) => void>();

function getWorker(): Worker | null {
  if (worker !== undefined) return worker;
  try {
    worker = new Worker(new URL('./graph-layout-worker.ts', import.meta.url), { type: 'module' });
    worker.onmessage = (e: MessageEvent<LayoutAnswer>) => {
      waiting.get(e.data.seq)?.(e.data);
      waiting.delete(e.data.seq);
    };
    worker.onerror = () => {
      // A worker that fails to load: answer everyone waiting from the main thread from now on.
      worker?.terminate();
      worker = null;
      const pending = [...waiting.keys()];
      waiting.clear();
      for (const s of pending) pendingInline.get(s)?.();
    };
  } catch {
    worker = null;
  }
  return worker;
}

const pendingInline = new Map<number, () => void>();

async function inline(elements: ElementDefinition[], id: number): Promise<LayoutAnswer> {
  const started = performance.now();
  const { layoutPositions } = await import('./graph-layout.ts');
  return { seq: id, positions: layoutPositions(elements), ms: performance.now() - started };
}

/**
 * Starts the worker and has it lay out a two-node graph, so that loading and compiling Cytoscape
 * and dagre in the worker happens while the page waits for the API, not after.
 */
export function prewarm(): void {
  if (worker !== undefined) return;
  void layout([
    { group: 'nodes', data: { id: 'a' } },
    { group: 'nodes', data: { id: 'b' } },
    { group: 'edges', data: { id: 'e', source: 'a', target: 'b' } },
  ]).catch(() => undefined);
}

/** Node positions for `elements` (dagre, left to right), and where the layout ran. */
export function layout(elements: ElementDefinition[]): Promise<LayoutAnswer & { where: 'worker' | 'main' }> {
  const id = ++seq;
  const w = getWorker();
  if (!w) return inline(elements, id).then((a) => ({ ...a, where: 'main' }));
  return new Promise((resolve, reject) => {
    waiting.set(id, (a) => {
      pendingInline.delete(id);
      if (a.error) reject(new Error(a.error));
      else resolve({ ...a, where: 'worker' });
    });
    pendingInline.set(id, () => {
      pendingInline.delete(id);
      inline(elements, id).then((a) => resolve({ ...a, where: 'main' }), reject);
    });
    w.postMessage({ seq: id, elements });
  });
}
