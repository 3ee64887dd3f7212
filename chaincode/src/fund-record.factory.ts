import { ChaincodeError } from './chaincode.error';
import { CURRENCY, ID, ID_TEXT } from './decision-record.factory';
import { checkString, FieldReader } from './field-reader';
import type { FundEarmarks, FundRecord, FundTopUp } from './records';

const FUND_FIELDS = [
  'fundId',
  'funderId',
  'currency',
  'budget',
  'deposit',
  'period',
  'earmarks',
  'name',
] as const;
const PERIOD_FIELDS = ['start', 'end'] as const;
const EARMARK_FIELDS = ['payerIds', 'planIds', 'providerIds', 'categories'] as const;
const TOP_UP_FIELDS = ['fundId', 'topUpId', 'amount'] as const;
const MAX_EARMARKS = 1000;

/** Parses a JSON argument, refusing anything that is not JSON. */
export function parseJsonArgument(json: string, name: string): unknown {
  try {
    return JSON.parse(json) as unknown;
  } catch {
    throw new ChaincodeError('INVALID_ARGUMENT', `${name} is not valid JSON`);
  }
}

/** The only way funds and top-ups enter the contract: strict fields, ids, integer money, real dates. */
export class FundRecordFactory {
  /** Validates a CreateFund argument. */
  static fundFromJson(json: string): FundRecord {
    const r = FieldReader.object(parseJsonArgument(json, 'fund'), 'fund', FUND_FIELDS);
    const fund: FundRecord = {
      fundId: r.string('fundId', 128, ID, ID_TEXT),
      funderId: r.string('funderId', 128, ID, ID_TEXT),
      currency: r.string('currency', 3, CURRENCY, 'an ISO 4217 currency code'),
      budget: r.integer('budget', 1),
      period: readPeriod(r.raw('period'), r.at('period')),
      earmarks: readEarmarks(r.raw('earmarks'), r.at('earmarks')),
    };
    if (r.has('deposit')) {
      fund.deposit = r.integer('deposit', 1);
      if (fund.deposit > fund.budget)
        throw new ChaincodeError(
          'BUDGET_EXCEEDED',
          `the opening deposit ${fund.deposit} exceeds the budget ${fund.budget}`,
          r.at('deposit'),
        );
    }
    if (r.has('name')) fund.name = r.string('name', 200);
    return fund;
  }

  /** Validates a TopUpFund argument. */
  static topUpFromJson(json: string): FundTopUp {
    const r = FieldReader.object(parseJsonArgument(json, 'topUp'), 'topUp', TOP_UP_FIELDS);
    return {
      fundId: r.string('fundId', 128, ID, ID_TEXT),
      topUpId: r.string('topUpId', 128, ID, ID_TEXT),
      amount: r.integer('amount', 1),
    };
  }
}

function readPeriod(value: unknown, path: string): FundRecord['period'] {
  const p = FieldReader.object(value, path, PERIOD_FIELDS);
  const period = { start: p.date('start'), end: p.date('end') };
  if (period.end < period.start)
    throw new ChaincodeError('INVALID_FIELD', 'must not be before the start', p.at('end'));
  return period;
}

function readEarmarks(value: unknown, path: string): FundEarmarks {
  const e = FieldReader.object(value, path, EARMARK_FIELDS);
  const earmarks: FundEarmarks = {};
  // Fixed field order, so the stored object does not depend on the input's key order.
  for (const name of EARMARK_FIELDS) {
    if (!e.has(name)) continue;
    const items = e.array(name, MAX_EARMARKS);
    // An empty list would make the fund unspendable; "any" is written by leaving the list out.
    if (items.length === 0)
      throw new ChaincodeError('INVALID_FIELD', 'must hold at least one item', e.at(name));
    const seen = new Set<string>();
    earmarks[name] = items.map((item, i) => {
      const at = `${e.at(name)}[${i}]`;
      const v = name === 'categories' ? checkString(item, at, 64) : checkString(item, at, 128, ID, ID_TEXT);
      if (seen.has(v)) throw new ChaincodeError('INVALID_FIELD', 'repeats an item', at);
      seen.add(v);
      return v;
    });
  }
  return earmarks;
}
