import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parse } from 'csv-parse/sync';

/** One row of data/services.csv. */
export interface ServiceReference {
  code: string;
  description: string;
  category: string;
  careType: string;
  unitPriceMinor: number;
  sex: 'F' | 'M' | null;
  minAge: number | null;
  maxAge: number | null;
  preauth: boolean;
  maxPerYear: number | null;
}

/** One row of data/diagnoses.csv. */
export interface DiagnosisReference {
  icd10: string;
  description: string;
  category: string;
  outpatientSharePct: number;
}

// Source and compiled layouts sit at different depths, so find the data folder by walking up.
function dataFile(name: string): string {
  let dir = __dirname;
  for (;;) {
    const candidate = join(dir, 'data', name);
    if (existsSync(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`reference data file data/${name} not found above ${__dirname}`);
    dir = parent;
  }
}

function readCsv(name: string): Record<string, string>[] {
  return parse(readFileSync(dataFile(name)), { columns: true, skip_empty_lines: true, trim: true });
}

const optionalInt = (v: string): number | null => (v === '' ? null : Number.parseInt(v, 10));

/** The service-code catalogue with tariff hints. */
export function readServiceCatalogue(): ServiceReference[] {
  return readCsv('services.csv').map((r) => ({
    code: r.code,
    description: r.description,
    category: r.category,
    careType: r.care_type,
    unitPriceMinor: Number.parseInt(r.unit_price_minor, 10),
    sex: r.sex === 'F' || r.sex === 'M' ? r.sex : null,
    minAge: optionalInt(r.min_age),
    maxAge: optionalInt(r.max_age),
    preauth: r.preauth === 'yes',
    maxPerYear: optionalInt(r.max_per_year),
  }));
}

/** The diagnosis mix used to generate realistic claims. */
export function readDiagnosisMix(): DiagnosisReference[] {
  return readCsv('diagnoses.csv').map((r) => ({
    icd10: r.icd10,
    description: r.description,
    category: r.category,
    outpatientSharePct: Number(r.outpatient_share_pct),
  }));
}
