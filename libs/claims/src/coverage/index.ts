/** Coverage: plans, their rule sets, and members. */
export * from './coverage.module';
export * from './plans.service';
export * from './members.service';
export * from './plans.repository';
export * from './members.repository';
