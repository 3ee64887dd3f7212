/**
 * Import rules checked by `npm run lint` (dependency-cruiser): the layering the architecture
 * document draws, enforced rather than reviewed.
 * @type {import('dependency-cruiser').IConfiguration}
 */
module.exports = {
  forbidden: [
    {
      name: 'no-cycles',
      comment:
        'Modules that import each other, directly or round a longer circle, can be neither understood nor moved alone.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'pure-domain',
      comment:
        'The domain (rules, adjudication, money) is plain TypeScript: no framework, database, queue or other layer.',
      severity: 'error',
      from: { path: '^libs/claims/src/domain/' },
      to: {
        path: [
          '^libs/claims/src/(application|infra|config|queue|observability)/',
          'node_modules/(typeorm|@nestjs|bullmq|ioredis|pg)/',
        ],
      },
    },
    {
      name: 'libraries-below-apps',
      comment: 'Libraries and chaincode never reach up into an app.',
      severity: 'error',
      from: { path: '^(libs|chaincode)/' },
      to: { path: '^apps/' },
    },
    {
      name: 'chaincode-stands-alone',
      comment:
        'The chaincode runs on every peer: it imports nothing of the platform, and its specs, run from its own package, neither.',
      severity: 'error',
      from: { path: '^chaincode/(src|test)/' },
      to: { path: '^(libs|apps)/' },
    },
    {
      name: 'ledger-below-claims',
      comment: 'The ledger library knows nothing of claims processing.',
      severity: 'error',
      from: { path: '^libs/ledger/' },
      to: { path: '^libs/claims/' },
    },
    {
      name: 'proof-below-ledgers',
      comment:
        'Proofs are checked offline, with no ledger: proof/ imports neither ledger implementation (embedded/, fabric/) nor their wiring.',
      severity: 'error',
      from: { path: '^libs/ledger/src/proof/', pathNot: '\\.spec\\.ts$' },
      to: {
        path: '^libs/ledger/src/(embedded|fabric|testing)/|^libs/ledger/src/(ledger\\.module|index)\\.ts$',
      },
    },
    {
      name: 'proof-verifiers-apart',
      comment:
        "Each ledger's proof format and verifier stands alone; verify-proof-bundle.ts dispatches to them.",
      severity: 'error',
      from: { path: '^libs/ledger/src/proof/(embedded|fabric)/' },
      to: { path: '^libs/ledger/src/proof/(embedded|fabric)/', pathNot: '^libs/ledger/src/proof/$1/' },
    },
    {
      name: 'apps-apart',
      comment: 'An app never imports another app.',
      severity: 'error',
      from: { path: '^apps/([^/]+)/' },
      to: { path: '^apps/', pathNot: '^apps/$1/' },
    },
    {
      name: 'product-apart-from-tests',
      comment: 'Product code never imports test code.',
      severity: 'error',
      from: { path: '^(apps|libs|chaincode)/', pathNot: '\\.spec\\.ts$' },
      to: { path: '^test/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|chaincode/dist|\\.fabric)/' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.json'] },
  },
};
