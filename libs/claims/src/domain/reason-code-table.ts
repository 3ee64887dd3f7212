import { REASON_CODES } from './reason-code-catalogue';
import { ReasonCode } from './reason-codes';

const cell = (s: string) => s.replace(/\|/g, '\\|');

/** The reason-code table of docs/rules.md, rendered from {@link REASON_CODES} in declaration order. */
export function reasonCodeTableMarkdown(): string {
  const rows = Object.values(ReasonCode).map((code) => {
    const { scope, meaning, effect } = REASON_CODES[code];
    return `| \`${code}\` | ${scope} | ${cell(meaning)} | ${cell(effect)} |`;
  });
  return ['| Code | Scope | Meaning | Effect |', '| --- | --- | --- | --- |', ...rows].join('\n') + '\n';
}
