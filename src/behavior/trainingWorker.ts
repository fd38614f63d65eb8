// The training worker thread: receives one round's input (users' raw ring buffers, the shape and
// settings, the champion's weights), trains and measures on its own TensorFlow.js instance, and
// posts the result back with the candidate's weights transferred, not copied. One worker per
// round; terminating it abandons the round.

import { parentPort } from 'node:worker_threads';
import { loadTensorflow, type TfBackendPreference } from './tfBackend.js';
import { NotEnoughData, runTrainingRound, type RoundInput, type RoundResult } from './trainingRound.js';

export interface WorkerRequest {
  input: RoundInput;
  backend: TfBackendPreference;
}

export type WorkerReply = { ok: true; result: RoundResult } | { ok: false; message: string; notEnoughData: boolean };

parentPort?.once('message', async ({ input, backend }: WorkerRequest) => {
  try {
    const runtime = await loadTensorflow(backend);
    const result = await runTrainingRound(runtime.tf, runtime.backend, input);
    const reply: WorkerReply = { ok: true, result };
    parentPort!.postMessage(reply, [result.candidate.artifacts.weightData as ArrayBuffer]);
  } catch (error) {
    const reply: WorkerReply = { ok: false, message: (error as Error)?.stack ?? String(error), notEnoughData: error instanceof NotEnoughData };
    parentPort!.postMessage(reply);
  }
});
