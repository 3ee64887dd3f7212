import { join } from 'node:path';
import { useProjectDatabase } from '../../support/test-databases';

useProjectDatabase('fabric');
process.env.LEDGER = 'fabric';
process.env.FABRIC_NETWORK_CONFIG ??= join(__dirname, '..', '..', '..', '.fabric', 'network', 'network.json');
