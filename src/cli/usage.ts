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
  pushflow eval recs --data FILE --format taobao|movielens [--k 10] [--seen exclude|allow]
                     [--models eals,popularity,covisit,category,hybrid,random] [--json]
      Prequential evaluation of the recommenders: train on the first 90% of the interactions by
      time, then recommend top-K before learning each later one. Prints HR@K, NDCG@K, Recall@20,
      update throughput and recommend latency per model (docs/RECOMMENDATIONS.md).
  pushflow eval behavior --data FILE --format taobao|jsonl|movielens [--test-days 2] [--json]
      Trains the behaviour model (GRU) on the days before the last N and compares it on those days
      with baselines: next-category Recall@5 and MRR@5 (Markov chain, most popular, own history),
      purchase-in-24h AUC (RFM logistic regression), active-hour log-loss (own hour histogram),
      training throughput and scoring speed (docs/BEHAVIOR.md).
  pushflow inspect user ID [--data-dir DIR] [--json]
      What pushflow knows about one user in the data directory of a run or replay: settings,
      profile (counts, RFM, category affinity, hour-of-week activity...), segment, window aggregates.
  pushflow segments [--data-dir DIR] [--json]
      The user segments: sizes, descriptions and centroids in the features' units (docs/PROFILES.md).
  pushflow simulate --users N --days D --policy personalized|blast|random [--seed S] [--items N]
                    [--responsiveness SIGMA] [--data-dir DIR] [--config FILE] [--json]
      Runs the whole pipeline over a simulated platform in virtual time: simulated users open,
      click, buy and opt out according to a ground-truth response model, and their feedback
      flows back as events. Reports notifications sent, open and click-through rates,
      conversions, attributed purchases, opt-outs and per-user volume (docs/LEARNING.md).
      With --data-dir the state is kept (for "report experiments"); else a temporary one is used.
  pushflow report experiments [--data-dir DIR] [--config FILE] [--json]
      Per experiment and arm: exposures, sends, opens, clicks, attributed purchases, conversions,
      opt-outs; rates with 95% intervals; lift against control and holdout, and significance.
  pushflow help

Every setting can also come from the YAML file (--config or $PUSHFLOW_CONFIG) or from
environment variables such as PUSHFLOW_METRICS__PORT=9000; see docs/CONFIG.md.
`;
