// The test broker harness lives in src/kafka/localBroker.ts (compiled, so benchmarks use it too).
export * from '../../src/kafka/localBroker.js';
