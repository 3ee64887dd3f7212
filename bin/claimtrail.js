#!/usr/bin/env node
'use strict';
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const entry = join(__dirname, '..', 'dist', 'apps', 'cli', 'src', 'main.js');
if (!existsSync(entry)) {
  process.stderr.write('claimtrail: not built yet; run `npm run build` first\n');
  process.exit(1);
}
require(entry)
  .buildProgram()
  .parseAsync(process.argv)
  .catch((err) => {
    process.stderr.write(`claimtrail: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
