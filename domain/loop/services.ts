/** The quality loop's services of a data directory: its versioned configuration and an interlock over it. */
import type { GraphStore } from '../../cypher/port.ts';
import type { AuditTrail } from '../audit/trail.ts';
import { QualityConfigStore } from './config.ts';
import { Interlock } from './interlock.ts';

export interface LoopServices {
  config: QualityConfigStore;
  interlock: Interlock;
}

export function loopServices(
  store: Pick<GraphStore, 'itemProgress' | 'qualityFacts'>,
  audit: Pick<AuditTrail, 'append' | 'appendAll'>,
  dataDir: string,
): LoopServices {
  const config = new QualityConfigStore(dataDir);
  return { config, interlock: new Interlock({ store, audit, config: () => config.current().config }) };
}
