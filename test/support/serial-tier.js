'use strict';

const base = require('../../jest.config.js');
const [unit] = base.projects;

/**
 * A Jest configuration for a tier that runs on its own, one suite at a time (faults, Fabric): the
 * unit project's module mapping and transforms, the summary line, and the tier's own settings.
 */
function serialTier(settings) {
  return {
    maxWorkers: 1,
    reporters: ['default', '<rootDir>/test/support/summary-reporter.js'],
    rootDir: unit.rootDir,
    testEnvironment: unit.testEnvironment,
    moduleFileExtensions: unit.moduleFileExtensions,
    moduleNameMapper: unit.moduleNameMapper,
    transform: unit.transform,
    transformIgnorePatterns: unit.transformIgnorePatterns,
    modulePathIgnorePatterns: unit.modulePathIgnorePatterns,
    ...settings,
  };
}

module.exports = { serialTier };
