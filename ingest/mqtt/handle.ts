/**
 * One MQTT message -> the pipeline. Resolves once the message is settled (its events in the event
 * log, or the message dead-lettered), which is when the worker may acknowledge it. Rejects only when
 * the pipeline itself cannot store (closed, disk failure): then the message must not be acknowledged.
 */
import { isTracegraphError } from '../../core/errors.ts';
import { readEpcisDocument } from '../epcis/document.ts';
import { registerEpcisEvents } from '../epcis/repository.ts';
import type { Pipeline } from '../pipeline/pipeline.ts';
import { topicKind } from './topics.ts';

export const DEFAULT_MAX_MESSAGE_BYTES = 1024 * 1024;

/** Enough of an oversized payload for a person to recognise it; the dead-letter store caps it too. */
const OVERSIZED_SAMPLE_BYTES = 64 * 1024;

export interface Handled {
  accepted: number;
  rejected: number;
}

export async function handleMessage(
  pipeline: Pipeline,
  topic: string,
  payload: Buffer,
  maxMessageBytes = DEFAULT_MAX_MESSAGE_BYTES,
): Promise<Handled> {
  const source = `mqtt:${topic}`;
  // Checked before decoding: an oversized message is never parsed, whatever it holds.
  if (payload.length > maxMessageBytes) {
    const sample = payload.subarray(0, OVERSIZED_SAMPLE_BYTES).toString('utf8');
    await pipeline.reject(source, `message of ${payload.length} bytes exceeds the limit of ${maxMessageBytes}`, sample);
    return { accepted: 0, rejected: 1 };
  }
  const text = payload.toString('utf8');
  switch (topicKind(topic)) {
    case 'events':
      return pipeline.submit(source, text);
    case 'epcis':
      return submitEpcis(pipeline, source, topic, text);
    default:
      // Only reachable through a broker that delivers outside our filters; kept, not dropped.
      await pipeline.reject(source, `topic ${topic} is not a tracegraph/v1 event or EPCIS topic`, text);
      return { accepted: 0, rejected: 1 };
  }
}

/**
 * An EPCIS document (JSON-LD or XML, told apart by its first character) is taken or rejected as a
 * whole, like an imported file: half a document would be a wrong graph.
 */
async function submitEpcis(pipeline: Pipeline, source: string, topic: string, text: string): Promise<Handled> {
  let doc;
  try {
    doc = await readEpcisDocument(text, { file: topic });
  } catch (e) {
    // A bug in the mapper must not stop the worker either: it becomes a dead letter with its message.
    const reason = isTracegraphError(e) ? e.message : `EPCIS document could not be read: ${(e as Error).message}`;
    await pipeline.reject(source, reason, text);
    return { accepted: 0, rejected: 1 };
  }
  // The originals first, so that the EPCIS query answers them as they came in (repository.ts).
  await registerEpcisEvents(pipeline.dataDir, doc.epcisEvents, doc.masterData, doc.namespaces);
  if (!doc.events.length) return { accepted: 0, rejected: 0 };
  return pipeline.submit(source, doc.events);
}
