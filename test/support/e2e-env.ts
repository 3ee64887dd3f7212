import { useProjectDatabase } from './test-databases';

useProjectDatabase('e2e');
