// The CLI's usage text and its error type (exit code 2, like a config error).

export class UsageError extends Error {}

export const USAGE = `pushflow: real-time personalized notifications for e-commerce

Usage:
  pushflow run [--config FILE] [--data-dir DIR] [--source simulator|kafka|file] [--sink stdout|jsonl|kafka]
      Runs the pipeline until SIGTERM/SIGINT, then finishes the batch, commits and exits 0.
      Default: the built-in simulator, notifications on stdout, metrics on 127.0.0.1:9464.
  pushflow replay FILE --format taobao|jsonl|movielens [--config FILE] [--data-dir DIR]
                  [--sink stdout|jsonl|kafka] [--json]
      Runs the whole pipeline over FILE in event time as fast as it can, then exits 0.
      Notifications go to <data-dir>/notifications.jsonl unless --sink says otherwise.
      With --json the last line of stdout is a JSON summary of the run.
  pushflow help

Every setting can also come from the YAML file (--config or $PUSHFLOW_CONFIG) or from
environment variables such as PUSHFLOW_METRICS__PORT=9000; see docs/CONFIG.md.
`;
