import { ReasonCode } from '../reason-codes';
import { decide, OTHER_PROVIDER, PROVIDER } from '../testing/adjudication-fixtures';

describe('provider rules', () => {
  it('PROVIDER_NOT_CONTRACTED: a provider the plan does not name is rejected', () => {
    const d = decide({}, { providerId: OTHER_PROVIDER });
    expect(d.status).toBe('rejected');
    expect(d.reasonCodes).toEqual([ReasonCode.ProviderNotContracted]);
  });

  it('PROVIDER_NOT_CONTRACTED: a contract is in force from its first to its last day inclusive', () => {
    const rules = { contractedProviders: [{ providerId: PROVIDER, from: '2026-03-14', to: '2026-06-30' }] };
    expect(decide(rules).status).toBe('approved');
    expect(decide(rules, { serviceDate: '2026-06-30', submittedOn: '2026-07-01' }).status).toBe('approved');
    expect(decide(rules, { serviceDate: '2026-03-13' }).reasonCodes).toEqual([
      ReasonCode.ProviderNotContracted,
    ]);
    expect(decide(rules, { serviceDate: '2026-07-01', submittedOn: '2026-07-01' }).reasonCodes).toEqual([
      ReasonCode.ProviderNotContracted,
    ]);
  });

  it('PROVIDER_NOT_CONTRACTED: a plain provider id and an open-ended contract cover the whole plan', () => {
    expect(decide({ contractedProviders: [{ providerId: PROVIDER }] }).status).toBe('approved');
    expect(decide({ contractedProviders: [PROVIDER] }, { careType: 'inpatient' }).status).toBe('approved');
  });

  it('CARE_TYPE_NOT_ALLOWED_FOR_PROVIDER: a contract limited to other care types rejects the claim', () => {
    const rules = { contractedProviders: [{ providerId: PROVIDER, careTypes: ['outpatient'] }] };
    const d = decide(rules, { careType: 'inpatient' });
    expect(d.status).toBe('rejected');
    expect(d.reasonCodes).toEqual([ReasonCode.CareTypeNotAllowedForProvider]);
    expect(decide(rules, { careType: 'outpatient' }).status).toBe('approved');
  });

  it('CARE_TYPE_NOT_ALLOWED_FOR_PROVIDER: any contract in force on the date that covers the care type will do', () => {
    const rules = {
      contractedProviders: [
        { providerId: PROVIDER, careTypes: ['outpatient'] },
        { providerId: PROVIDER, from: '2026-07-01', careTypes: ['inpatient'] },
      ],
    };
    expect(decide(rules, { careType: 'inpatient' }).reasonCodes).toEqual([
      ReasonCode.CareTypeNotAllowedForProvider,
    ]);
    const july = { careType: 'inpatient' as const, serviceDate: '2026-07-01', submittedOn: '2026-07-01' };
    expect(decide(rules, july).status).toBe('approved');
  });
});
