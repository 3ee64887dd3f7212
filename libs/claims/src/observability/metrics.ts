import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** The process's Prometheus registry and the platform's instruments. */
@Injectable()
export class Metrics {
  readonly registry = new Registry();

  readonly jobsCompleted = new Counter({
    name: 'claimtrail_jobs_completed_total',
    help: 'Jobs finished successfully, by queue',
    labelNames: ['queue'] as const,
    registers: [this.registry],
  });

  readonly jobsFailed = new Counter({
    name: 'claimtrail_jobs_failed_total',
    help: 'Job attempts that failed, by queue and whether the job will be retried',
    labelNames: ['queue', 'final'] as const,
    registers: [this.registry],
  });

  readonly adjudicationSeconds = new Histogram({
    name: 'claimtrail_adjudication_duration_seconds',
    help: 'Time to adjudicate one claim, from job start to committed decision',
    labelNames: ['outcome'] as const,
    buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });

  readonly ledgerCommitSeconds = new Histogram({
    name: 'claimtrail_ledger_commit_duration_seconds',
    help: 'Time to commit one batch of records to the ledger',
    labelNames: ['ledger'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });

  readonly ledgerRecords = new Counter({
    name: 'claimtrail_ledger_records_total',
    help: 'Outbox records written to the ledger, by outcome',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  readonly ledgerEvents = new Counter({
    name: 'claimtrail_ledger_events_total',
    help: "Decision events read from the ledger's event stream",
    registers: [this.registry],
  });

  readonly queueDepth = new Gauge({
    name: 'claimtrail_queue_jobs',
    help: 'Jobs in each queue by state, read when scraped',
    labelNames: ['queue', 'state'] as const,
    registers: [this.registry],
  });

  readonly outboxPending = new Gauge({
    name: 'claimtrail_ledger_outbox_pending',
    help: 'Outbox records not yet committed to the ledger, read when scraped',
    registers: [this.registry],
  });

  readonly integrityMismatches = new Gauge({
    name: 'claimtrail_integrity_mismatches',
    help: 'Open differences between PostgreSQL and the ledger (or in the ledger store), by subject type',
    labelNames: ['subject'] as const,
    registers: [this.registry],
  });

  readonly reconciledRecords = new Counter({
    name: 'claimtrail_reconciled_records_total',
    help: 'Ledger records the reconciler compared with PostgreSQL, by kind',
    labelNames: ['kind'] as const,
    registers: [this.registry],
  });

  readonly reconcileSeconds = new Histogram({
    name: 'claimtrail_reconcile_duration_seconds',
    help: 'Time of one reconciliation pass, by mode',
    labelNames: ['mode'] as const,
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
    registers: [this.registry],
  });

  readonly reconcileLastPass = new Gauge({
    name: 'claimtrail_reconcile_last_pass_timestamp_seconds',
    help: 'When the last reconciliation pass of each mode finished (Unix time)',
    labelNames: ['mode'] as const,
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'claimtrail_' });
  }

  /** The exposition text. */
  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
