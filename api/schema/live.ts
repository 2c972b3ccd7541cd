/**
 * Subscriptions (over SSE at /graphql and over WebSocket with graphql-ws): `holdChanged`,
 * `alarmRaised` and `readings(equipmentId)`, fed by the in-process bus in api/live/bus.ts.
 */
import { TracegraphError } from '../../core/errors.ts';
import { builder, type ApiContext } from '../builder.ts';
import type { Alarm, LiveBus, LiveReading } from '../live/bus.ts';
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

export const AlarmType = builder.objectRef<Alarm>('Alarm').implement({
  description: 'A process parameter outside its limit on a piece of equipment.',
  fields: (t) => ({
    id: t.exposeID('id'),
    equipmentId: t.exposeID('equipmentId'),
    parameter: t.exposeString('parameter'),
    value: t.exposeFloat('value'),
    limit: t.exposeFloat('limit'),
    raisedAt: t.exposeString('raisedAt', { description: 'ISO 8601' }),
    message: t.exposeString('message'),
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
  readings: t.field({
    type: LiveReadingType,
    description: 'Readings of one piece of equipment as they are committed to the graph.',
    authScopes: { readMonitor: true },
    args: { equipmentId: t.arg.id({ required: true }) },
    subscribe: (_root, args, ctx) => bus(ctx).subscribe('readings', String(args.equipmentId)),
    resolve: (reading) => reading,
  }),
}));
