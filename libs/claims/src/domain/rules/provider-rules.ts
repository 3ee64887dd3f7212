import type { CareType, ClaimForAdjudication } from '../claim';
import { ReasonCode } from '../reason-codes';
import type { RuleSet } from '../rule-set';

interface Contract {
  providerId: string;
  from?: string;
  to?: string;
  careTypes?: readonly CareType[];
}

const asContract = (entry: RuleSet['contractedProviders'][number]): Contract =>
  typeof entry === 'string' ? { providerId: entry } : entry;

/**
 * PROVIDER_NOT_CONTRACTED when no contract of the provider is in force on the service date;
 * CARE_TYPE_NOT_ALLOWED_FOR_PROVIDER when those in force all leave out the claim's care type.
 */
export function providerReasons(claim: ClaimForAdjudication, ruleSet: RuleSet): ReasonCode[] {
  const day = claim.serviceDate;
  const inForce = ruleSet.contractedProviders
    .map(asContract)
    .filter((c) => c.providerId === claim.providerId)
    .filter((c) => (c.from === undefined || c.from <= day) && (c.to === undefined || day <= c.to));
  if (inForce.length === 0) return [ReasonCode.ProviderNotContracted];
  const coversCareType = inForce.some((c) => !c.careTypes || c.careTypes.includes(claim.careType));
  return coversCareType ? [] : [ReasonCode.CareTypeNotAllowedForProvider];
}
