/** Adjudication: deciding claims, review of pended claims, replay, the sweeper. */
export * from './adjudication.module';
export * from './adjudication.service';
export * from './review.service';
export * from './sweeper.service';
export * from './replay';
