/**
 * A process parameter as a sensor reports it: the nominal value plus noise and a slow natural
 * drift that the process corrects, and the faults a quality engineer wants to see caught: a spike
 * (one sample far out), a drift out of spec (a heater failing), a stuck sensor (the value freezes).
 */
import type { ParameterSpec } from './routing.ts';

export type FaultKind = 'spike' | 'drift' | 'stuck';

export interface Fault {
  kind: FaultKind;
  /** Simulated ms the fault lasts (a spike lasts one sample whatever this says). */
  untilMs: number;
  /** For drift: units per simulated second, signed. */
  rate: number;
  startedMs: number;
  /** For stuck: the frozen value. */
  frozen?: number;
}

/** Standard normal sample (Box-Muller). */
function gauss(random: () => number): number {
  const u = Math.max(random(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

export class SimulatedParameter {
  private wander = 0;
  private fault: Fault | undefined;
  private last: number;

  constructor(
    readonly spec: ParameterSpec,
    private readonly random: () => number,
  ) {
    this.last = spec.nominal;
  }

  inject(kind: FaultKind, nowMs: number, durationMs: number): void {
    const span = this.spec.usl - this.spec.lsl;
    this.fault = {
      kind,
      startedMs: nowMs,
      untilMs: nowMs + durationMs,
      // Past the upper limit within about a third of the fault's duration.
      rate: ((span * 1.5) / Math.max(durationMs / 1000, 1)) * 3,
      frozen: this.last,
    };
  }

  get faulty(): FaultKind | undefined {
    return this.fault?.kind;
  }

  /** Whether the last value was outside its specification. */
  get outOfSpec(): boolean {
    return this.last < this.spec.lsl || this.last > this.spec.usl;
  }

  /** The next sample at simulated time `nowMs`. */
  sample(nowMs: number): number {
    const { spec } = this;
    // A slow random walk pulled back to nominal: the process control loop at work.
    this.wander = this.wander * 0.95 + gauss(this.random) * spec.noise * 0.3;
    let v = spec.nominal + this.wander + gauss(this.random) * spec.noise;
    if (this.fault && nowMs >= this.fault.untilMs) this.fault = undefined;
    const f = this.fault;
    if (f) {
      if (f.kind === 'stuck') v = f.frozen ?? v;
      else if (f.kind === 'spike') {
        v = spec.usl + (spec.usl - spec.lsl) * 0.8;
        this.fault = undefined;
      } else v += (f.rate * (nowMs - f.startedMs)) / 1000;
    }
    this.last = Math.round(v * 100) / 100;
    return this.last;
  }
}
