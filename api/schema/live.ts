/**
 * Subscriptions (over SSE at /graphql and over WebSocket with graphql-ws): `holdChanged`,
 * `alarmRaised`, `alarmCleared` and `readings(equipmentId)`, fed by the in-process bus in domain/live/bus.ts.
 */
import { TracegraphError } from '../../core/errors.ts';
import { builder, type ApiContext } from '../builder.ts';
import type { Alarm, LiveBus, LiveReading } from '../../domain/live/bus.ts';
import { HoldType } from './holds.ts';

// Every subscription needs a principal, like Query and Mutation; each field names its scope.
builder.subscriptionType({ authScopes: { authenticated: true } });

const LiveReadingType = builder.objectRef<LiveReading>('LiveReading').implement({
  description: 'A process parameter reading, as committed to the graph.',
  fields: (t) => ({
    eventId: t.exposeID('eventId'),
    equipmentId: t.exposeID('equipmentId'),
    parameter: t.exposeString('parameter'),
    value: t.exposeFloat('value'),
    uom: t.exposeString('uom', { nullable: true }),
    eventTime: t.exposeString('eventTime', { description: 'ISO 8601, as sent by the source' }),
  }),
});

export const AlarmStatusEnum = builder.enumType('AlarmStatus', { values: ['open', 'cleared'] as const });
export const AlarmRuleEnum = builder.enumType('AlarmRule', {
  description: 'What raised an alarm: spec = a reading outside its spec limits (SPC rules will add theirs).',
  values: ['spec'] as const,
});

export const AlarmType = builder.objectRef<Alarm>('Alarm').implement({
  description:
    'A process parameter outside its limit on a piece of equipment: one alarm per equipment and parameter, open until a reading is back inside.',
  fields: (t) => ({
    id: t.exposeID('id'),
    equipmentId: t.exposeID('equipmentId'),
    parameter: t.exposeString('parameter'),
    value: t.exposeFloat('value', { description: 'The reading that raised it' }),
    limit: t.exposeFloat('limit', { description: 'The limit it crossed: usl when above, lsl when below' }),
    raisedAt: t.exposeString('raisedAt', { description: 'ISO 8601, UTC: the time of the reading that raised it' }),
    message: t.exposeString('message'),
    rule: t.field({ type: AlarmRuleEnum, resolve: (a) => a.rule }),
    status: t.field({ type: AlarmStatusEnum, resolve: (a) => a.status }),
    lsl: t.exposeFloat('lsl', { nullable: true }),
    usl: t.exposeFloat('usl', { nullable: true }),
    uom: t.exposeString('uom', { nullable: true }),
    recipeId: t.exposeString('recipeId', { nullable: true, description: 'The recipe of the spec it was checked against' }),
    specVersion: t.exposeInt('specVersion', { nullable: true, description: 'The version of that spec' }),
    readingEventId: t.exposeID('readingEventId', { description: 'The eventId of the reading that raised it' }),
    clearedAt: t.exposeString('clearedAt', {
      nullable: true,
      description: 'ISO 8601, UTC: the time of the first reading back inside; null while open',
    }),
    clearValue: t.exposeFloat('clearValue', { nullable: true, description: 'The reading that cleared it' }),
  }),
});

function bus(ctx: ApiContext): LiveBus {
  if (!ctx.live) throw new TracegraphError('INTERNAL', 'subscriptions need the live bus in the API context');
  return ctx.live;
}

builder.subscriptionFields((t) => ({
  holdChanged: t.field({
    type: HoldType,
    description: 'A hold as it is placed or released (status tells which).',
    authScopes: { readTrace: true, readMonitor: true },
    subscribe: (_root, _args, ctx) => bus(ctx).subscribe('holdChanged'),
    resolve: (hold) => hold,
  }),
  alarmRaised: t.field({
    type: AlarmType,
    description: 'Alarms as they are raised.',
    authScopes: { readMonitor: true },
    subscribe: (_root, _args, ctx) => bus(ctx).subscribe('alarmRaised'),
    resolve: (alarm) => alarm,
  }),
  alarmCleared: t.field({
    type: AlarmType,
    description: 'Alarms as a reading back inside their limits clears them.',
    authScopes: { readMonitor: true },
    subscribe: (_root, _args, ctx) => bus(ctx).subscribe('alarmCleared'),
    resolve: (alarm) => alarm,
  }),
  readings: t.field({
    type: LiveReadingType,
    description: 'Readings of one piece of equipment as they are committed to the graph.',
    authScopes: { readMonitor: true },
    args: { equipmentId: t.arg.id({ required: true }) },
    subscribe: (_root, args, ctx) => bus(ctx).subscribe('readings', String(args.equipmentId)),
    resolve: (reading) => reading,
  }),
}));
