/** Funds and payments: donor funds, payments of decided claims, the donors' reports. */
export * from './funds-payments.module';
export * from './funds.service';
export * from './fund-report.service';
export * from './fund-report-document';
export * from './payments.service';
export * from './funds.repository';
export * from './payments.repository';
