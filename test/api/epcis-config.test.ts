/** The EPCIS capture size limit comes from the configuration (env or file), validated at start. */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../core/config.ts';

describe('EPCIS capture limit configuration', () => {
  it('TRACEGRAPH_EPCIS_MAX_CAPTURE_MB sets it, and a value that is not a positive whole number is a CONFIG error', () => {
    expect(loadConfig({}, { TRACEGRAPH_EPCIS_MAX_CAPTURE_MB: '8' }).epcisMaxCaptureMb).toBe(8);
    expect(loadConfig({}, {}).epcisMaxCaptureMb).toBeUndefined();
    expect(() => loadConfig({}, { TRACEGRAPH_EPCIS_MAX_CAPTURE_MB: '0.5' })).toThrow(/TRACEGRAPH_EPCIS_MAX_CAPTURE_MB/);
  });
});
