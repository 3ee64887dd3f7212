/** One line of a submitted claim. */
export interface ClaimLine {
  lineNo: number;
  serviceCode: string;
  quantity: number;
  /** Price per unit the provider asks, in minor units. */
  unitPrice: number;
}

/** The parts of a claim adjudication looks at. */
export interface ClaimForAdjudication {
  id: string;
  providerId: string;
  /** Service date, YYYY-MM-DD. */
  serviceDate: string;
  currency: string;
  diagnoses: readonly string[];
  lines: readonly ClaimLine[];
}

/** The member as adjudication sees it; null when the member is unknown. */
export interface MemberForAdjudication {
  id: string;
  /** YYYY-MM-DD, inclusive. */
  coverageStart: string;
  /** YYYY-MM-DD, inclusive. */
  coverageEnd: string;
}
