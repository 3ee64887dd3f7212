/** Intake: claims as clinics submit, void, resubmit and follow them. */
export * from './intake.module';
export * from './claims.service';
export * from './claim-queries.service';
