#!/usr/bin/env node
// The one pushflow binary: `pushflow run | replay | eval | inspect | segments | simulate | report | help`. Parses flags, loads and validates the
// configuration (failing fast with the path of a bad key), and runs a PushflowProcess.

import { ConfigError } from '../config/configError.js';
import { runCommand } from './runCommand.js';
import { replayCommand } from './replayCommand.js';
import { evalRecsCommand } from './evalRecsCommand.js';
import { evalBehaviorCommand } from './evalBehaviorCommand.js';
import { inspectCommand } from './inspectCommand.js';
import { segmentsCommand } from './segmentsCommand.js';
import { simulateCommand } from './simulateCommand.js';
import { reportCommand } from './reportCommand.js';
import { UsageError, USAGE } from './usage.js';

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'run':
      return runCommand(rest);
    case 'replay':
      return replayCommand(rest);
    case 'eval':
      return evalCommand(rest);
    case 'inspect':
      return inspectCommand(rest);
    case 'segments':
      return segmentsCommand(rest);
    case 'simulate':
      return simulateCommand(rest);
    case 'report':
      return reportCommand(rest);
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(USAGE);
      return 0;
    default:
      throw new UsageError(`unknown command "${command}"`);
  }
}

/** `pushflow eval SUBJECT ...`: offline evaluations, one subcommand per subject. */
async function evalCommand(args: string[]): Promise<number> {
  const [subject, ...rest] = args;
  switch (subject) {
    case 'recs':
      return evalRecsCommand(rest);
    case 'behavior':
      return evalBehaviorCommand(rest);
    default:
      throw new UsageError(subject === undefined ? 'eval needs a subject: "eval recs" or "eval behavior"' : `unknown eval subject "${subject}"`);
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof UsageError || error instanceof ConfigError) {
      process.stderr.write(`pushflow: ${error.message}\n`);
      if (error instanceof UsageError) process.stderr.write(`run "pushflow help" for usage\n`);
      process.exitCode = 2;
    } else {
      process.stderr.write(`pushflow: ${(error as Error)?.stack ?? String(error)}\n`);
      process.exitCode = 1;
    }
  },
);
