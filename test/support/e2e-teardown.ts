import 'tsconfig-paths/register';
import { dropProjectDatabase } from './project-database';

export default () => dropProjectDatabase('e2e');
