import { Command, InvalidArgumentError, Option } from 'commander';
import { AuditTrail } from '../../api/audit/trail.ts';
import { TracegraphError } from '../../core/errors.ts';
import { normaliseId } from '../../core/ids.ts';
import { generateReport, type GeneratedReport, type ReportRequest } from '../../reports/generate.ts';
import { LANGS, type Lang } from '../../reports/i18n.ts';
import { verifyReport } from '../../reports/verify.ts';
import { dataOption, jsonOption, printJson, withStore } from '../common.ts';
import { cliActor } from './user.ts';

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
  const r: GeneratedReport = await withStore(opts, (store, config) =>
    generateReport(req, {
      store,
      audit: new AuditTrail(config.dataDir),
      out: opts.out,
      lang: opts.lang,
      by: cliActor(),
      timeZone: opts.tz,
    }),
  );
  if (opts.json) printJson(r);
  else
    process.stdout.write(
      `${r.out}: ${r.kind} report ${r.id}${r.pages === null ? '' : `, ${r.pages} pages`}, ${r.bytes} bytes\n` +
        `${r.dataFile}: data, SHA-256 ${r.sha256} (audit entry ${r.auditSeq})\n`,
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
    new Command('verify')
      .description('recompute the SHA-256 of FILE.json and check it against the hash printed on every page of FILE')
      .argument('<file>', 'the report (.pdf or .xlsx); its data file FILE.json must lie beside it')
      .addOption(jsonOption())
      .addHelpText('after', '\nPrints "ok" (exit 0) or "mismatch" with the reason (exit 1).')
      .action(async (file: string, opts: { json?: boolean }) => {
        const r = await verifyReport(file);
        if (opts.json) printJson(r);
        else
          process.stdout.write(
            r.ok ? `ok: ${file} carries the SHA-256 of ${r.dataFile} (${r.computed})\n` : `mismatch: ${file}: ${r.reason}\n`,
          );
        if (!r.ok) process.exitCode = 1;
      }),
  );
  return report;
}
