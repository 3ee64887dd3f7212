/** Care settings a claim (visit) can belong to. */
export const CARE_TYPES = ['outpatient', 'inpatient', 'emergency'] as const;

/** Care setting of a claim (visit). */
export type CareType = (typeof CARE_TYPES)[number];

/** One line of a submitted claim. */
export interface ClaimLine {
  lineNo: number;
  serviceCode: string;
  quantity: number;
  /** Price per unit the provider asks, in minor units. */
  unitPrice: number;
  /** Pre-authorisation reference the provider quotes for this line, if any. */
  preauthRef?: string | null;
}

/** The parts of a claim adjudication looks at. */
export interface ClaimForAdjudication {
  id: string;
  providerId: string;
  /** Service date, YYYY-MM-DD. */
  serviceDate: string;
  /** Date the platform received the claim, YYYY-MM-DD (for the submission deadline). */
  submittedOn: string;
  careType: CareType;
  currency: string;
  diagnoses: readonly string[];
  lines: readonly ClaimLine[];
}

/** The member as adjudication sees it; null when the member is unknown. */
export interface MemberForAdjudication {
  id: string;
  status: 'active' | 'suspended' | 'terminated';
  /** YYYY-MM-DD, inclusive. */
  coverageStart: string;
  /** YYYY-MM-DD, inclusive. */
  coverageEnd: string;
  birthDate: string;
  sex: 'F' | 'M' | 'X';
}

/** One line of the member's earlier claims that was approved (fully or in part), at any provider. */
export interface PriorApprovedLine {
  claimId: string;
  providerId: string;
  serviceDate: string;
  careType: CareType;
  serviceCode: string;
  /** Units approved on that line. */
  quantity: number;
}

/** What the member has already used in the benefit year of the service date, in minor units. */
export interface MemberAccumulators {
  /** Approved (payer-paid) amount so far this benefit year. */
  annualApproved: number;
  /** Approved amount so far this benefit year, per benefit category. */
  categoryApproved: Readonly<Record<string, number>>;
  /** Deductible the member has already borne this benefit year. */
  deductibleMet: number;
}

/** Inputs of review selection that come from outside the claim. */
export interface ReviewInputs {
  /** Running average approved amount of claims with the same primary diagnosis, if known. */
  diagnosisAverage: number | null;
  /**
   * A number in [0, 1) derived from data the payer cannot choose after the fact (the claim id and
   * the ledger head at submission); a claim is sampled when it is below samplingPercent / 100.
   */
  samplingDraw: number;
}
