import { useProjectDatabase } from './test-databases';

useProjectDatabase('integration');
