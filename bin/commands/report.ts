/**
 * `tracegraph report`: its subcommands and flags. The documents themselves (pdfkit, exceljs, the
 * store) load only when a subcommand runs, so the rest of the CLI starts without them.
 */
import { Command, InvalidArgumentError, Option } from 'commander';
import type { Config } from '../../core/config.ts';
import type { GraphStore } from '../../cypher/port.ts';
import { TracegraphError } from '../../core/errors.ts';
import { normaliseId } from '../../core/ids.ts';
import type { GeneratedReport, ReportRequest } from '../../reports/generate.ts';
import { LANGS, type Lang } from '../../reports/i18n.ts';
import { dataOption, jsonOption } from '../options.ts';
import { out, printJson } from '../output.ts';

interface CommonOpts {
  data?: string;
  out: string;
  lang: Lang;
  tz?: string;
  json?: boolean;
}

const langOption = () =>
  new Option('--lang <lang>', 'language of the report').choices(LANGS as unknown as string[]).default('en' as Lang);
const outOption = (ext: string) =>
  new Option('--out <file>', `the report file (${ext}); FILE.json beside it holds its data`).makeOptionMandatory();
const tzOption = () =>
  new Option(
    '--tz <zone>',
    'IANA time zone of the generation time, e.g. Europe/Berlin (default: TZ or the system zone)',
  ).argParser((v: string) => {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: v });
    } catch {
      throw new InvalidArgumentError(`unknown time zone ${JSON.stringify(v)} (use an IANA name such as Europe/Berlin)`);
    }
    return v;
  });

async function run(req: ReportRequest, opts: CommonOpts): Promise<void> {
  const [{ generateReport }, { AuditTrail }, { loadConfig }, { withStore }, { cliActor }] = await Promise.all([
    import('../../reports/generate.ts'),
    import('../../domain/audit/trail.ts'),
    import('../../core/config.ts'),
    import('../common.ts'),
    import('./user.ts'),
  ]);
  const generate = (store: GraphStore | undefined, config: Config) =>
    generateReport(req, {
      store,
      audit: new AuditTrail(config.dataDir),
      out: opts.out,
      lang: opts.lang,
      by: cliActor(),
      timeZone: opts.tz,
      signing: config.reportSigning,
    });
  // The audit trail is a file beside the graph: its extract does not open the graph (a server may hold it).
  const r: GeneratedReport =
    req.kind === 'audit'
      ? await generate(undefined, loadConfig({ dataDir: opts.data }))
      : await withStore(opts, (store, config) => generate(store, config));
  if (opts.json) await printJson(r);
  else
    await out(
      `${r.out}: ${r.kind} report ${r.id}${r.pages === null ? '' : `, ${r.pages} pages`}, ${r.bytes} bytes\n` +
        `${r.dataFile}: data, SHA-256 ${r.sha256} (audit entry ${r.auditSeq})\n` +
        (r.signedBy ? `signed (PAdES) by ${r.signedBy}\n` : ''),
    );
}

function withCommon(cmd: Command, ext: string): Command {
  return cmd
    .addOption(outOption(ext))
    .addOption(langOption())
    .addOption(tzOption())
    .addOption(dataOption())
    .addOption(jsonOption());
}

export function reportCommand(): Command {
  const report = new Command('report').description(
    'regulator-ready reports: recall (PDF), unit history (PDF), audit trail extract, FSMA 204 spreadsheet; verify one',
  );

  report.addCommand(
    withCommon(
      new Command('recall')
        .description(
          'recall report: product, reason and evidence, quantities, consignees, precision, approvals, units/lots/shipments',
        )
        .option('--recall <id>', 'a saved recall (createRecall)')
        .option('--from <ids...>', 'suspect lots: everything made from them'),
      '.pdf',
    ).action(async (opts: CommonOpts & { recall?: string; from?: string[] }) => {
      if (!opts.recall === !opts.from?.length)
        throw new TracegraphError('BAD_INPUT', 'give either --recall ID (a saved recall) or --from LOT... (suspect lots)');
      const target = opts.recall ? { recall: opts.recall } : { from: opts.from!.map(normaliseId) };
      await run({ kind: 'recall', target }, opts);
    }),
  );

  report.addCommand(
    withCommon(
      new Command('unit')
        .description(
          'unit record (device history record): operations with station, equipment, operator, recipe and parameters against spec; materials, sub-assemblies, inspections, holds, shipment',
        )
        .requiredOption('--id <serial>', 'the unit (EPC URN, GS1 Digital Link or plant serial)'),
      '.pdf',
    ).action(async (opts: CommonOpts & { id: string }) => {
      await run({ kind: 'unit', id: normaliseId(opts.id) }, opts);
    }),
  );

  report.addCommand(
    withCommon(
      new Command('audit')
        .description('audit trail extract for a period, with the verification of the whole hash chain')
        .requiredOption('--from <time>', 'entries at or after this time (ISO 8601)')
        .requiredOption('--to <time>', 'entries at or before this time (ISO 8601)')
        .option('--actor <name>', 'only the entries of this actor'),
      '.pdf or .csv',
    ).action(async (opts: CommonOpts & { from: string; to: string; actor?: string }) => {
      await run({ kind: 'audit', from: opts.from, to: opts.to, actor: opts.actor }, opts);
    }),
  );

  report.addCommand(
    withCommon(
      new Command('fsma')
        .description(
          'FSMA 204 sortable spreadsheet: receiving, transformation and shipping events with their key data elements (21 CFR 1.1340-1.1350)',
        )
        .option('--from <ids...>', 'lots (and units): these and everything made from them')
        .option('--since <time>', 'every lot and unit an operation took in or put out since then (ISO 8601)')
        .option('--location <text>', 'location description of this facility (where food is received, made and shipped)'),
      '.xlsx or .csv',
    ).action(async (opts: CommonOpts & { from?: string[]; since?: string; location?: string }) => {
      if (!opts.since === !opts.from?.length) throw new TracegraphError('BAD_INPUT', 'give either --from LOT... or --since TIME');
      const target = opts.since ? { since: opts.since } : { from: opts.from!.map(normaliseId) };
      await run({ kind: 'fsma', target, location: opts.location }, opts);
    }),
  );

  report.addCommand(
    new Command('verify')
      .description(
        "recompute the SHA-256 of FILE.json and check it against the hash printed on every page of FILE, and a PDF's PAdES signature",
      )
      .argument('<file>', 'the report (.pdf or .xlsx); its data file FILE.json must lie beside it')
      .addOption(jsonOption())
      .addHelpText('after', '\nPrints "ok" (exit 0) or "mismatch" with the reason (exit 1).')
      .action(async (file: string, opts: { json?: boolean }) => {
        const { verifyReport } = await import('../../reports/verify.ts');
        const r = await verifyReport(file);
        if (opts.json) await printJson(r);
        else
          await out(
            r.ok
              ? `ok: ${file} carries the SHA-256 of ${r.dataFile} (${r.computed})` +
                  (r.signature ? `; its PAdES signature by ${r.signature.signer} is intact\n` : '\n')
              : `mismatch: ${file}: ${r.reason}\n`,
          );
        if (!r.ok) process.exitCode = 1;
      }),
  );
  return report;
}
