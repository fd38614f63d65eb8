// The simulator's public face: the record stream for tests and benches, the Source for the runtime.

export { createSimulation, type InjectedFault, type SimulatedRecord, type Simulation } from './simulation.js';
export { DEFAULT_START_TIME, type SimulationOptions } from './options.js';
export { SimulatorSource, type SimulatorSourceOptions } from './simulatorSource.js';
