/**
 * The import rules of docs/ARCHITECTURE.md, checked by test/import-rules.test.ts.
 * Parts: core (crypto → format → review), migrate, runtime, kms (protocol,
 * client, auth, roots, service), controller, cli. Tests and benchmarks may
 * import anything; nothing else imports them.
 */
const PRODUCTION = '^(core|migrate|runtime|kms|controller|cli)/';
const TEST_FILE = '\\.test\\.ts$|^cli/parse-for-tests\\.ts$';

module.exports = {
  forbidden: [
    {
      name: 'no-cycles',
      severity: 'error',
      comment: 'A cycle makes two modules one part in fact. A command module naming its own options type (erased at run time) is not one.',
      from: {},
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
    { name: 'nothing-imports-cli', severity: 'error', comment: 'The CLI is the outermost part.', from: { pathNot: '^cli/|^test/|^bench/' }, to: { path: '^cli/' } },
    {
      name: 'core-imports-only-core',
      severity: 'error',
      comment: 'core is pure: the format and its crypto, nothing of the service, the cluster or the CLI.',
      from: { path: '^core/', pathNot: TEST_FILE },
      to: { path: '^(migrate|runtime|kms|controller|cli|test|bench)/' },
    },
    {
      name: 'core-layers',
      severity: 'error',
      comment: 'Inside core: review builds on format, format on crypto; never the other way.',
      from: { path: '^core/crypto/' },
      to: { path: '^core/(format|review)/' },
    },
    { name: 'format-not-review', severity: 'error', from: { path: '^core/format/', pathNot: TEST_FILE }, to: { path: '^core/review/' } },
    {
      name: 'controller-imports',
      severity: 'error',
      comment: 'The controller sees the rewrap service only through its client and protocol.',
      from: { path: '^controller/', pathNot: TEST_FILE },
      to: { path: '^(migrate|kms/(service|auth|roots)|cli|test|bench)/' },
    },
    {
      name: 'client-not-service',
      severity: 'error',
      comment: 'A rewrap client (CLI, controller) never carries service code.',
      from: { path: '^kms/(client|protocol)/' },
      to: { path: '^kms/(service|roots)/' },
    },
    { name: 'runtime-is-a-leaf', severity: 'error', from: { path: '^runtime/', pathNot: TEST_FILE }, to: { path: '^(migrate|kms|controller|cli)/' } },
    {
      name: 'production-not-tests',
      severity: 'error',
      comment: 'Production code never imports tests, test helpers or benchmarks.',
      from: { path: PRODUCTION, pathNot: TEST_FILE },
      to: { path: `^(test|bench)/|${TEST_FILE}` },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|dist|vendor)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.mjs'], conditionNames: ['import', 'node', 'default'] },
  },
};
