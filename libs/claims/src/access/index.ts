/** Access: organizations, their authentication and API keys, and the access log. */
export * from './access.module';
export * from './organizations.service';
export * from './principal';
export * from './api-keys.service';
export * from './api-keys';
export * from './api-key-scopes';
export * from './access-log.service';
export * from './access-log/access-log-writer';
export * from './access-log/access-log-verifier';
export * from './access-log/access-log-anchor.service';
export * from './access-log/key-event';
