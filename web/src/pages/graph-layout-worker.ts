/** The genealogy layout off the main thread: one request in, node positions out (graph-layout.ts). */
import { layoutPositions, type LayoutAnswer, type LayoutRequest } from './graph-layout.ts';

self.onmessage = (e: MessageEvent<LayoutRequest>) => {
  const started = performance.now();
  let answer: LayoutAnswer;
  try {
    answer = { seq: e.data.seq, positions: layoutPositions(e.data.elements), ms: performance.now() - started };
  } catch (err) {
    answer = { seq: e.data.seq, positions: {}, ms: 0, error: err instanceof Error ? err.message : String(err) };
  }
  self.postMessage(answer);
};
