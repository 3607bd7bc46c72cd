/**
 * Prints a proof suite's `[figures]` line (the numbers the README quotes). Straight to stdout:
 * vitest keeps a passing test's console output back (see vitest.config.ts), and these lines are
 * the suite's report, not its logs.
 */
export function reportFigures(line: string): void {
  process.stdout.write(`${line}\n`);
}
