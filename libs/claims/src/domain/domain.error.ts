/** Stable machine-readable codes for every error the domain raises. */
export enum DomainErrorCode {
  InvalidRuleSet = 'invalid_rule_set',
  InvalidTransition = 'invalid_transition',
  MoneyOverflow = 'money_overflow',
  /** A reviewer's instruction asks for more than the rules allow, or names no real line. */
  InvalidReview = 'invalid_review',
}

/** Base class of domain errors: a stable `code`, and the offending field where there is one. */
export class DomainError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly details: { field?: string; rule?: string }[] = [],
  ) {
    super(message);
    this.name = new.target.name;
  }
}
