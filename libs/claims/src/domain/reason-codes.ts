/** Stable reason codes attached to decisions; they are part of the public contract and the ledger. */
export enum ReasonCode {
  MemberNotFound = 'MEMBER_NOT_FOUND',
  MemberNotCovered = 'MEMBER_NOT_COVERED',
  PlanNotInForce = 'PLAN_NOT_IN_FORCE',
  CurrencyMismatch = 'CURRENCY_MISMATCH',
  ProviderNotContracted = 'PROVIDER_NOT_CONTRACTED',
  ServiceNotInTariff = 'SERVICE_NOT_IN_TARIFF',
  PriceAboveTariff = 'PRICE_ABOVE_TARIFF',
}

/** What each reason code means and what it does to the line or the claim. */
export const REASON_CODES: Readonly<Record<ReasonCode, { meaning: string; effect: string }>> = {
  [ReasonCode.MemberNotFound]: {
    meaning: 'The member is not enrolled with the payer.',
    effect: 'every line rejected',
  },
  [ReasonCode.MemberNotCovered]: {
    meaning: "The service date is outside the member's coverage period.",
    effect: 'every line rejected',
  },
  [ReasonCode.PlanNotInForce]: {
    meaning: "The service date is outside the plan version's coverage period.",
    effect: 'every line rejected',
  },
  [ReasonCode.CurrencyMismatch]: {
    meaning: "The claim's currency is not the plan's currency.",
    effect: 'every line rejected',
  },
  [ReasonCode.ProviderNotContracted]: {
    meaning: 'The provider is not contracted for the plan.',
    effect: 'every line rejected',
  },
  [ReasonCode.ServiceNotInTariff]: {
    meaning: "The service code is not in the plan's tariff.",
    effect: 'line rejected',
  },
  [ReasonCode.PriceAboveTariff]: {
    meaning: 'The unit price is above the tariff price.',
    effect: 'line approved at the tariff price',
  },
};
