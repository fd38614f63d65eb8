// The one error type config loading throws. Each problem is a self-contained line naming where
// the value came from and the dotted key, so an operator can fix every problem from one run:
//   config error in ./my.yaml: metrics.port: expected integer, got "abc"

/** One thing wrong with the configuration. */
export interface ConfigProblem {
  /** The file, environment variable or `overrides` the value came from, when known. */
  origin?: string;
  /** Dotted key path (empty for the top level or the whole file). */
  path: string;
  /** What is wrong, phrased to stand after the origin, e.g. `metrics.port: expected integer, got "abc"`. */
  detail: string;
}

export class ConfigError extends Error {
  readonly problems: readonly ConfigProblem[];

  constructor(problems: readonly ConfigProblem[]) {
    super(problems.map(formatConfigProblem).join('\n'));
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

export function formatConfigProblem(problem: ConfigProblem): string {
  return problem.origin ? `config error in ${problem.origin}: ${problem.detail}` : `config error: ${problem.detail}`;
}

/** Extra data a cross-field refinement attaches, so its error can blame the layer that set it. */
export interface CrossFieldParams {
  /** Dotted paths of the other keys the check reads, e.g. `outbox.maxDepth`. */
  relatedPaths: string[];
}
