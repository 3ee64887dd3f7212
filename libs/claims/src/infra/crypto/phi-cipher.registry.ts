import type { AppConfig } from '../../config/app-config';
import { FieldCipher } from './field-cipher';

// TypeORM entities are decorated when their modules load, long before configuration exists, so
// the column transformers find the keyring here at call time rather than through injection.
let current: FieldCipher | undefined;

/** Installs the cipher built from PHI_KEYS; called wherever DataSource options are built. */
export function configurePhiCipher(config: Pick<AppConfig, 'PHI_KEYS'>): FieldCipher {
  current = new FieldCipher(config.PHI_KEYS);
  return current;
}

/** The configured cipher; throws if encrypted columns are touched before configuration. */
export function phiCipher(): FieldCipher {
  if (!current) {
    throw new Error(
      'the PHI cipher is not configured: build DataSource options with dataSourceOptions(config), ' +
        'which calls configurePhiCipher(config), before reading or writing encrypted columns',
    );
  }
  return current;
}
