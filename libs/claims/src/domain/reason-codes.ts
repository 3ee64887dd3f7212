/** Stable reason codes attached to decisions; they are part of the public contract and the ledger. */
export enum ReasonCode {
  // Claim level: every line rejected.
  MemberNotFound = 'MEMBER_NOT_FOUND',
  MemberNotActive = 'MEMBER_NOT_ACTIVE',
  MemberNotCovered = 'MEMBER_NOT_COVERED',
  PlanNotInForce = 'PLAN_NOT_IN_FORCE',
  CurrencyMismatch = 'CURRENCY_MISMATCH',
  ProviderNotContracted = 'PROVIDER_NOT_CONTRACTED',
  CareTypeNotAllowedForProvider = 'CARE_TYPE_NOT_ALLOWED_FOR_PROVIDER',
  ExcludedDiagnosis = 'EXCLUDED_DIAGNOSIS',
  SubmissionLate = 'SUBMISSION_LATE',
  WaitingPeriod = 'WAITING_PERIOD',
  AdmissionLimit = 'ADMISSION_LIMIT',
  OutpatientVisitLimit = 'OUTPATIENT_VISIT_LIMIT',
  DuplicateClaim = 'DUPLICATE_CLAIM',
  // Line level: line rejected.
  ServiceNotInTariff = 'SERVICE_NOT_IN_TARIFF',
  CareTypeNotAllowed = 'CARE_TYPE_NOT_ALLOWED',
  SexRestriction = 'SEX_RESTRICTION',
  AgeRestriction = 'AGE_RESTRICTION',
  DiagnosisRequired = 'DIAGNOSIS_REQUIRED',
  DiagnosisIncompatible = 'DIAGNOSIS_INCOMPATIBLE',
  CategoryWaitingPeriod = 'CATEGORY_WAITING_PERIOD',
  DuplicateService = 'DUPLICATE_SERVICE',
  // Line level: quantity trimmed, or line rejected when nothing is left.
  QuantityAboveMaximum = 'QUANTITY_ABOVE_MAXIMUM',
  FrequencyLimit = 'FREQUENCY_LIMIT',
  ConsultationLimit = 'CONSULTATION_LIMIT',
  SurgeryLimit = 'SURGERY_LIMIT',
  DeliveryLimit = 'DELIVERY_LIMIT',
  AntenatalLimit = 'ANTENATAL_LIMIT',
  // Money.
  PriceAboveTariff = 'PRICE_ABOVE_TARIFF',
  PerVisitLimit = 'PER_VISIT_LIMIT',
  DeductibleApplied = 'DEDUCTIBLE_APPLIED',
  CoPaymentApplied = 'COPAYMENT_APPLIED',
  CategoryLimitReached = 'CATEGORY_LIMIT_REACHED',
  AnnualLimitReached = 'ANNUAL_LIMIT_REACHED',
  // Pend for an insurer's review.
  PreauthRequired = 'PREAUTH_REQUIRED',
  ReviewThreshold = 'REVIEW_THRESHOLD',
  ReviewAboveAverage = 'REVIEW_ABOVE_AVERAGE',
  ReviewSampled = 'REVIEW_SAMPLED',
  // A reviewer's instruction on a pended claim.
  ReviewerAdjusted = 'REVIEWER_ADJUSTED',
  ReviewerRejected = 'REVIEWER_REJECTED',
}
