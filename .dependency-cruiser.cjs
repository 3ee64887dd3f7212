/**
 * Use cases that still reach PostgreSQL themselves instead of through a repository. The list only
 * shrinks: a use case moved behind repositories leaves it, and a new one never joins it.
 */
const useCasesNotYetOnRepositories = [
  'libs/claims/src/intake/claims.service.ts',
  'libs/claims/src/adjudication/adjudication.service.ts',
  'libs/claims/src/adjudication/decide-claim.ts',
  'libs/claims/src/adjudication/decision-store.ts',
  'libs/claims/src/adjudication/diagnosis-averages.ts',
  'libs/claims/src/adjudication/load-decision-inputs.ts',
  'libs/claims/src/adjudication/review.service.ts',
  'libs/claims/src/ledger-sync/ledger-decision-read.ts',
  'libs/claims/src/ledger-sync/ledger-events.service.ts',
  'libs/claims/src/ledger-sync/ledger-relay.service.ts',
  'libs/claims/src/ledger-sync/ledger-retry.service.ts',
  'libs/claims/src/ledger-sync/ledger-verdicts.ts',
  'libs/claims/src/ledger-sync/reconciliation/integrity-overlay.service.ts',
  'libs/claims/src/ledger-sync/reconciliation/reconciler.service.ts',
];

const SLICES = '^libs/claims/src/(access|intake|coverage|adjudication|ledger-sync|funds-payments)/';

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
        path: ['^libs/claims/src/(?!domain/)', 'node_modules/(typeorm|@nestjs|bullmq|ioredis|pg)/'],
      },
    },
    {
      name: 'use-cases-through-repositories',
      comment:
        'A use case reaches PostgreSQL only through repository interfaces; TypeORM and the entities stay in infra/.',
      severity: 'error',
      from: {
        path: SLICES,
        pathNot: ['\\.module\\.ts$', '\\.spec\\.ts$', ...useCasesNotYetOnRepositories.map((f) => `^${f}$`)],
      },
      to: { path: ['node_modules/(typeorm|@nestjs/typeorm)/', '^libs/claims/src/infra/'] },
    },
    {
      name: 'testing-support-in-specs-only',
      comment: 'In-memory repositories and fixtures serve specs and test suites, never the product.',
      severity: 'error',
      from: {
        path: '^(apps|libs|chaincode)/',
        pathNot: ['\\.spec\\.ts$', '/testing/'],
      },
      to: { path: '^libs/.*/testing/' },
    },
    {
      name: 'apps-through-entry-points',
      comment:
        "An app uses a library through its entry points only: the library's index, or the light entries (configuration, domain, offline proof checks) the command line starts fast with.",
      severity: 'error',
      from: { path: '^apps/', pathNot: ['\\.spec\\.ts$'] },
      to: {
        path: '^libs/',
        pathNot: [
          '^libs/(claims|ledger)/src/index\\.ts$',
          '^libs/claims/src/(config|domain)/index\\.ts$',
          '^libs/ledger/src/proof/index\\.ts$',
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
      comment: 'Product code (and the development tools) never imports test code.',
      severity: 'error',
      from: { path: '^(apps|libs|chaincode|tools)/', pathNot: '\\.spec\\.ts$' },
      to: { path: '^test/' },
    },
    {
      name: 'product-apart-from-tools',
      comment:
        'The development tools (the benchmark) are no part of the product: nothing shipped imports them.',
      severity: 'error',
      from: { path: '^(apps|libs|chaincode)/' },
      to: { path: '^tools/' },
    },
    {
      name: 'tools-use-the-cli-stack-only',
      comment:
        "Tools build on the libraries; of the apps they use only the command line's way of starting the " +
        'built API and worker on a scratch database, which `claimtrail demo` needs too.',
      severity: 'error',
      from: { path: '^tools/' },
      to: {
        path: '^apps/',
        pathNot: '^apps/cli/src/(app-process|scratch-database|seeded-random)\\.ts$',
      },
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
