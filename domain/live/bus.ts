/**
 * The in-process bus behind the GraphQL subscriptions: holds placed and released, alarms raised,
 * and readings committed to the store. One bus per process, shared by the API server (which
 * subscribes) and whatever publishes (the hold mutations, the ingest pipeline, the monitor).
 * In-process only: with several API instances each serves the events of its own process.
 */
import { createPubSub, type PubSub } from 'graphql-yoga';
import type { CanonicalEvent } from '../../core/events.ts';
import type { AlarmRecord, HoldRecord, SpecRecord } from '../../cypher/port.ts';

/** A process parameter reading as committed to the store. */
export interface LiveReading {
  eventId: string;
  equipmentId: string;
  parameter: string;
  value: number;
  uom: string | null;
  eventTime: string;
}

/**
 * A parameter outside its limit on a piece of equipment (the graph's Alarm node). The first fields
 * (id, equipmentId, parameter, value, limit, raisedAt, message) are the original contract; the rest
 * (rule, status, lsl/usl, specVersion, clearedAt...) came with the monitor (ingest/monitor).
 */
export type Alarm = AlarmRecord;

type Topics = {
  holdChanged: [hold: HoldRecord];
  alarmRaised: [alarm: Alarm];
  /** An alarm a reading back inside its limits cleared. */
  alarmCleared: [alarm: Alarm];
  /** A new spec version (changeSpec): the monitor reloads its cached specs. */
  specChanged: [spec: SpecRecord];
  /** Keyed by equipment id, so a subscriber hears only its own equipment. */
  readings: [equipmentId: string, reading: LiveReading];
};

export type LiveBus = PubSub<Topics>;

export function createLiveBus(): LiveBus {
  return createPubSub<Topics>();
}

export function publishHoldChanged(bus: LiveBus, hold: HoldRecord): void {
  bus.publish('holdChanged', hold);
}

/** Tells `alarmRaised` subscribers about an alarm already stored (it raises nothing itself). */
export function publishAlarmRaised(bus: LiveBus, alarm: Alarm): void {
  bus.publish('alarmRaised', alarm);
}

export function publishAlarmCleared(bus: LiveBus, alarm: Alarm): void {
  bus.publish('alarmCleared', alarm);
}

export function publishSpecChanged(bus: LiveBus, spec: SpecRecord): void {
  bus.publish('specChanged', spec);
}

/**
 * The monitor's hooks on this bus: alarms raised and cleared go out to subscribers, spec changes
 * (published by changeSpec) come in. Spread them into `Monitor.start({ store, ...liveMonitorHooks(bus) })`.
 */
export function liveMonitorHooks(bus: LiveBus) {
  return {
    onAlarmRaised: (alarm: Alarm) => publishAlarmRaised(bus, alarm),
    onAlarmCleared: (alarm: Alarm) => publishAlarmCleared(bus, alarm),
    watchSpecChanges(onChange: () => void): () => void {
      const changes = bus.subscribe('specChanged');
      void (async () => {
        for await (const _ of changes) onChange();
      })();
      return () => void changes.return?.();
    },
  };
}

/**
 * Publishes the readings among events the store has committed: give it to the pipeline as
 * `onCommitted`. An event re-delivered after a restart may be published twice.
 */
export function publishCommitted(bus: LiveBus): (events: readonly CanonicalEvent[]) => void {
  return (events) => {
    for (const e of events) {
      if (e.kind !== 'reading') continue;
      bus.publish('readings', e.equipmentId, {
        eventId: e.eventId,
        equipmentId: e.equipmentId,
        parameter: e.parameter,
        value: e.value,
        uom: e.uom ?? null,
        eventTime: e.eventTime,
      });
    }
  };
}
