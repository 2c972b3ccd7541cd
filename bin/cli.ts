/**
 * The `tracegraph` command line. Every command has --help; data-producing commands have --json;
 * errors are one line on stderr and a non-zero exit.
 */
import { Command } from 'commander';
import { loadConfig } from '../core/config.ts';
import { isTracegraphError } from '../core/errors.ts';
import { setProfiling } from '../cypher/profile.ts';
import { setProgressBars } from '../core/progress.ts';
import { importCommand } from './commands/import.ts';
import { traceCommand } from './commands/trace.ts';
import { seedCommand } from './commands/seed.ts';
import { statsCommand } from './commands/stats.ts';
import { benchCommand } from './commands/bench.ts';
import { demoCommand } from './commands/demo.ts';
import { ingestCommand } from './commands/ingest.ts';
import { serveCommand } from './commands/serve.ts';
import { replayCommand } from './commands/replay.ts';
import { deadlettersCommand } from './commands/deadletters.ts';
import { userCommand } from './commands/user.ts';
import { auditCommand } from './commands/audit.ts';
import { reportCommand } from './commands/report.ts';

const program = new Command('tracegraph')
  .description('Graph-based traceability and quality control for manufacturing')
  .version('0.1.0')
  .showHelpAfterError('(run with --help for usage)')
  .addHelpText(
    'after',
    `
Backends: the embedded graph (Kuzu) under --data DIR / TRACEGRAPH_DATA (default ./data);
Neo4j 5 when TRACEGRAPH_NEO4J_URI is set (with TRACEGRAPH_NEO4J_USER / TRACEGRAPH_NEO4J_PASSWORD).
Every setting can also be given in tracegraph.config.json (or the file TRACEGRAPH_CONFIG names);
docs/configuration.md lists them.

Examples:
  tracegraph seed --units 10000
  tracegraph import epcis shipment.jsonld
  tracegraph trace forward LOT-R-000001 --json
  tracegraph trace backward urn:epc:id:sgtin:4012345.077889.25`,
  );

program.addCommand(demoCommand());
program.addCommand(ingestCommand());
program.addCommand(importCommand());
program.addCommand(traceCommand());
program.addCommand(seedCommand());
program.addCommand(statsCommand());
program.addCommand(benchCommand());
program.addCommand(serveCommand());
program.addCommand(replayCommand());
program.addCommand(deadlettersCommand());
program.addCommand(userCommand());
program.addCommand(auditCommand());
program.addCommand(reportCommand());

let debug = false;
try {
  // Validated before any command runs: a bad file or variable is one line, whatever the command.
  const config = loadConfig();
  debug = config.debug;
  setProfiling(config.profile);
  setProgressBars(!config.noProgress);
  await program.parseAsync(process.argv);
} catch (e) {
  const msg = isTracegraphError(e) ? e.message : e instanceof Error ? e.message : String(e);
  process.stderr.write(`tracegraph: ${msg}\n`);
  if (debug && e instanceof Error) process.stderr.write(`${e.stack}\n`);
  process.exitCode = 1;
}
// Exit now rather than letting native destructors race Node's shutdown (Kuzu 0.11 can crash
// there after a clean close; see kuzu#5545).
process.exit(process.exitCode ?? 0);
