/** The bench's Mosquitto, with its directory under the tests' temp dirs (removed after the run). */
import { Broker as BenchBroker, type BrokerOptions } from '../../bench/mosquitto.ts';
import { tempDir } from '../helpers/stores.ts';

export { haveMosquitto, MOSQUITTO } from '../../bench/mosquitto.ts';

export const Broker = {
  start: (opts: Partial<BrokerOptions> = {}): Promise<BenchBroker> =>
    BenchBroker.start({ ...opts, dir: opts.dir ?? tempDir('tracegraph-mosquitto-') }),
};
export type Broker = BenchBroker;
