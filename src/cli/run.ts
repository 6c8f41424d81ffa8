/** The command line as a function: argv and an `io` in, exit code out, so tests run it in-process. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { KnowledgeBase } from '../core/ports/knowledgeBase';
import { HELP, parseArguments, UsageError } from './args';
import type { Command, FileSelection } from './args';
import { analyseSelection } from './analyze';
import type { AnalysisRun } from './analyze';
import { readCliConfig } from './config';
import type { CliConfig } from './config';
import { renderCiFormat } from './ciFormats';
import { checkJson, checkText, scanJson, scanText, toJson } from './formatters';
import { renderGraph } from './graph';
import { paletteFor } from './io';
import type { CliIo } from './io';
import { runLookup } from './lookup';
import { buildCheckReport, buildScanReport } from './report';
import { explainRule, findRulePagesDirectory, listRules } from './rulePages';
import { buildSarif } from './sarif';

export type { CliIo } from './io';

export const EXIT_OK = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_USAGE = 2;

const PROGRAM = 'port-lens';

/** The version in the package manifest next to the bundle (`dist/`) or the transpiled tree (`out/src/cli/`). */
function packageVersion(): string {
  let directory = __dirname;
  for (let depth = 0; depth < 4; depth++) {
    try {
      const manifest = JSON.parse(fs.readFileSync(path.join(directory, 'package.json'), 'utf8')) as { name?: unknown; version?: unknown };
      if (manifest.name === PROGRAM && typeof manifest.version === 'string') {
        return manifest.version;
      }
    } catch {
      // Not here; keep looking upwards.
    }
    directory = path.dirname(directory);
  }
  return '0.0.0';
}

/** One line per note on stderr, prefixed with the program name like other Unix tools. */
function note(io: CliIo, message: string): void {
  io.stderr(`${PROGRAM}: ${message}\n`);
}

/** Malformed entries were skipped; each says what was wrong, once. */
function reportConfigProblems(io: CliIo, config: CliConfig): void {
  for (const problem of config.problems) {
    note(io, problem);
  }
}

/** Skipped files are notes on stderr unless the output carries them in the document, as JSON and SARIF do. */
function reportRunNotes(io: CliIo, run: AnalysisRun, skippedAsNotes: boolean): void {
  for (const unreadable of run.unreadable) {
    note(io, `cannot read ${unreadable.path}: ${unreadable.reason}`);
  }
  if (skippedAsNotes) {
    for (const skipped of run.skipped) {
      note(io, `skipped ${skipped.path}: ${skipped.reason}`);
    }
  }
}

function analyse(io: CliIo, selection: FileSelection): AnalysisRun {
  const config = readCliConfig(io.cwd, selection.configPath);
  reportConfigProblems(io, config);
  return analyseSelection(selection, io.cwd, config);
}

function execute(command: Command, io: CliIo): number {
  const palette = paletteFor(io);
  switch (command.kind) {
    case 'help':
      io.stdout(HELP[command.topic ?? 'main']);
      return EXIT_OK;
    case 'version':
      io.stdout(`${packageVersion()}\n`);
      return EXIT_OK;
    case 'check': {
      const run = analyse(io, command.selection);
      const report = buildCheckReport(run, command.failOn);
      if (command.format === 'json') {
        io.stdout(checkJson(report));
      } else if (command.format === 'sarif') {
        io.stdout(toJson(buildSarif(report, {
          cwd: io.cwd,
          version: packageVersion(),
          executionSuccessful: run.unreadable.length === 0,
          rulePages: findRulePagesDirectory(),
        })));
      } else if (command.format === 'text') {
        io.stdout(checkText(report, palette));
      } else {
        io.stdout(renderCiFormat(command.format, report, run.files));
      }
      // Only JSON and SARIF have a place for skipped files; the other formats leave them as notes.
      reportRunNotes(io, run, command.format !== 'json' && command.format !== 'sarif');
      if (run.unreadable.length > 0) {
        return EXIT_USAGE;
      }
      return report.summary.failed ? EXIT_FINDINGS : EXIT_OK;
    }
    case 'scan': {
      const run = analyse(io, command.selection);
      const report = buildScanReport(run);
      io.stdout(command.json ? scanJson(report) : scanText(report, palette));
      reportRunNotes(io, run, !command.json);
      return run.unreadable.length > 0 ? EXIT_USAGE : EXIT_OK;
    }
    case 'graph': {
      const run = analyse(io, command.selection);
      io.stdout(renderGraph(run.model, io.cwd, command.format));
      // The graph has no place for skipped files in any format: they are notes on stderr.
      reportRunNotes(io, run, true);
      return run.unreadable.length > 0 ? EXIT_USAGE : EXIT_OK;
    }
    case 'lookup': {
      const config = readCliConfig(io.cwd, command.configPath);
      reportConfigProblems(io, config);
      const output = runLookup(new KnowledgeBase(config.config.portData), command.query, command.protocol, command.json, palette);
      io.stdout(output.text);
      return output.exitCode;
    }
    case 'explain':
      io.stdout(command.rule === undefined ? listRules(palette) : explainRule(command.rule, palette));
      return EXIT_OK;
  }
}

/**
 * Runs `port-lens` with the arguments after the program name and returns the exit code:
 * 0 nothing at or above `--fail-on`, 1 findings at or above it, 2 a usage error, an unreadable
 * path, or a failure that stopped the run (one line on stderr).
 */
export function runCli(argv: readonly string[], io: CliIo): number {
  try {
    return execute(parseArguments(argv), io);
  } catch (error) {
    if (error instanceof UsageError) {
      note(io, error.message);
    } else {
      note(io, `internal error: ${error instanceof Error ? error.message : String(error)}`);
    }
    return EXIT_USAGE;
  }
}
