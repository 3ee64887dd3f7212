/** ICD-10 written with or without the dot, in any case, compares equal. */
const normalise = (code: string): string => code.toUpperCase().replace(/\./g, '');

/** True when some diagnosis starts with some prefix (ICD-10 prefix match, dot and case ignored). */
export function anyDiagnosisMatches(diagnoses: readonly string[], prefixes: readonly string[]): boolean {
  const wanted = prefixes.map(normalise);
  return diagnoses.some((d) => {
    const code = normalise(d);
    return wanted.some((p) => code.startsWith(p));
  });
}
