import 'tsconfig-paths/register';
import { createProjectDatabase } from './project-database';

export default () => createProjectDatabase('e2e');
