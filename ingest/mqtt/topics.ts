/** The MQTT topic tree (docs/api.md): canonical events per station and kind, EPCIS documents per site. */

export const EVENT_FILTER = 'tracegraph/v1/+/+/+/+';
export const EPCIS_FILTER = 'tracegraph/v1/+/epcis';

/** The filters a worker subscribes to; in a group they are MQTT 5 shared subscriptions, so the group splits the load. */
export function subscriptionFilters(group?: string): string[] {
  const filters = [EVENT_FILTER, EPCIS_FILTER];
  return group ? filters.map((f) => `$share/${group}/${f}`) : filters;
}

export type TopicKind = 'events' | 'epcis' | 'other';

/** What a topic carries. A 6-level topic is canonical events even when its last level names no kind: the payload's `kind` decides, and a bad one is dead-lettered. */
export function topicKind(topic: string): TopicKind {
  const levels = topic.split('/');
  if (levels[0] !== 'tracegraph' || levels[1] !== 'v1') return 'other';
  if (levels.length === 4 && levels[3] === 'epcis') return 'epcis';
  if (levels.length === 6) return 'events';
  return 'other';
}
