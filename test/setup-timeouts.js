// Per-tier test timeouts (jest's testTimeout is global, not per project): a ceiling against hangs,
// never a performance assertion.
const tier = expect.getState().testPath?.match(/\.(unit|int|e2e)\.test\.ts$/)?.[1];
jest.setTimeout({ unit: 5_000, int: 60_000, e2e: 180_000 }[tier] ?? 5_000);
