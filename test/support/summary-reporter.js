'use strict';

const { writeSync } = require('node:fs');

/**
 * Ends a run with one plain line of counts that any CI log reader understands, and that agrees
 * with the process's exit status.
 *
 * Jest calls `onRunComplete` before the global teardown, so the line is written only when the
 * process exits, with the status it exits with. A run whose tests all passed but that fails for
 * another reason (a global teardown that throws, a snapshot or reporter failure) says so rather
 * than ending on "0 failed" with exit status 1. A global setup that throws stops Jest before any
 * reporter exists: no line is written then, and Jest's own error is the last thing printed.
 *
 * How Jest 30 exits: after an error (a throwing global teardown among them) jest-cli calls
 * exit-x, which stubs out `process.stdout.write` and calls `process.exit(1)`; the line is
 * therefore written with `writeSync` to the descriptor. After a normal run jest-cli sets the
 * failure status from its own `exit` listener, added after this reporter's; the listener that
 * writes the line is therefore added on `beforeExit`, so that it runs after Jest's.
 */
class SummaryReporter {
  constructor(globalConfig) {
    this.testFailureExitCode = globalConfig?.testFailureExitCode ?? 1;
    this.results = undefined;
    this.written = false;
  }

  onRunComplete(_contexts, results) {
    const first = this.results === undefined;
    // Jest fills in `success` on this same object after the reporters have run.
    this.results = results;
    if (!first) return; // watch mode: one line, at the end, for the last run
    // Explicit `process.exit(code)`: the code is known when `exit` is emitted.
    const early = (code) => this.write(code);
    process.once('exit', early);
    // Natural end of the event loop: let jest-cli's `exit` listener set the status first.
    process.once('beforeExit', () => {
      process.removeListener('exit', early);
      process.once('exit', (code) => this.write(process.exitCode ?? code));
    });
  }

  write(code) {
    if (this.written || this.results === undefined) return;
    this.written = true;
    const status = Number(code) || 0;
    const results = this.results;
    const skipped = results.numPendingTests + results.numTodoTests;
    const tail = skipped ? `, ${skipped} skipped` : '';
    // A suite that could not even start counts as a failure, not as nothing.
    const failed = results.numFailedTests + results.numRuntimeErrorTestSuites;
    let line = `jest: ${results.numPassedTests} passed, ${failed} failed${tail}`;
    if (status !== 0 && failed === 0) {
      line += `; exit ${status}: the run failed outside the tests (${outsideReason(results)}; see the error above)`;
    } else if (status === 0 && failed > 0) {
      line += `; exit 0: failed tests do not fail the run (testFailureExitCode is ${this.testFailureExitCode})`;
    }
    try {
      writeSync(process.stdout.fd ?? 1, `\n${line}\n`);
    } catch {
      // Nothing more can be reported while the process exits.
    }
  }
}

function outsideReason(results) {
  if (results.runExecError) return 'Jest could not run the suites';
  if (results.snapshot?.failure) return 'snapshots';
  return 'global teardown or a reporter';
}

module.exports = SummaryReporter;
