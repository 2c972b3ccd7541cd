export async function runBench(_opts: { units: number; runs: number; stores: string[]; out?: string }): Promise<void> {
  throw new Error('not yet');
}
