// The behaviour model's versions on disk, under `<dataDir>/models/behavior/`: one folder per
// version (`model.json` with the topology, weight specs, meta and metrics; `weights.bin`), and
// `versions.json`, the index that names the current (champion) version. A process loads the
// champion at start. Folders and the index are written to a temporary name and renamed, so a
// crash leaves the previous state whole.

import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ModelArtifacts } from './behaviorNetwork.js';
import type { ModelMetaJson } from './modelMeta.js';
import type { HoldoutMetrics } from './trainBehaviorModel.js';

export interface ModelVersionRecord {
  version: number;
  /** Wall-clock time of the save (ISO). */
  savedAt: string;
  /** Latest event time of the data it was trained on (ISO). */
  dataUpTo: string;
  /** It became the champion when saved (it beat the one before on the holdout). */
  accepted: boolean;
  holdout: HoldoutMetrics;
  /** The champion of the time, measured on the same holdout. */
  championHoldout?: HoldoutMetrics;
  training: { examples: number; holdoutExamples: number; users: number; seconds: number; sequencesPerSecond: number; steps: number };
  backend: string;
}

interface VersionIndex {
  champion: number | null;
  versions: ModelVersionRecord[];
}

export interface StoredModel {
  record: ModelVersionRecord;
  artifacts: ModelArtifacts;
  meta: ModelMetaJson;
}

const INDEX = 'versions.json';
const folderName = (version: number) => `v${String(version).padStart(6, '0')}`;

export class ModelVersions {
  constructor(
    readonly dir: string,
    /** Versions kept besides the champion. */
    private readonly keep: number,
  ) {}

  static under(dataDir: string, keep: number): ModelVersions {
    return new ModelVersions(join(dataDir, 'models', 'behavior'), keep);
  }

  async list(): Promise<ModelVersionRecord[]> {
    return (await this.readIndex()).versions;
  }

  async champion(): Promise<ModelVersionRecord | undefined> {
    const index = await this.readIndex();
    return index.versions.find((record) => record.version === index.champion);
  }

  /** Saves a new version (the champion if `record.accepted`), then prunes the oldest. */
  async save(record: Omit<ModelVersionRecord, 'version' | 'savedAt'>, artifacts: ModelArtifacts, meta: ModelMetaJson): Promise<ModelVersionRecord> {
    await mkdir(this.dir, { recursive: true });
    const index = await this.readIndex();
    const version = Math.max(0, ...index.versions.map((entry) => entry.version)) + 1;
    const saved: ModelVersionRecord = { version, savedAt: new Date().toISOString(), ...record };
    const folder = join(this.dir, folderName(version));
    const temporary = `${folder}.tmp`;
    await rm(temporary, { recursive: true, force: true });
    await mkdir(temporary);
    const { weightData, ...topology } = artifacts;
    await writeFile(join(temporary, 'weights.bin'), new Uint8Array(weightData as ArrayBuffer));
    await writeFile(join(temporary, 'model.json'), JSON.stringify({ ...topology, meta, record: saved }));
    await rm(folder, { recursive: true, force: true });
    await rename(temporary, folder);
    index.versions.push(saved);
    if (saved.accepted) index.champion = version;
    const dropped = index.versions
      .filter((entry) => entry.version !== index.champion)
      .sort((a, b) => b.version - a.version)
      .slice(this.keep);
    index.versions = index.versions.filter((entry) => !dropped.includes(entry));
    await this.writeIndex(index);
    for (const entry of dropped) await rm(join(this.dir, folderName(entry.version)), { recursive: true, force: true });
    return saved;
  }

  async load(version: number): Promise<StoredModel> {
    const folder = join(this.dir, folderName(version));
    const json = JSON.parse(await readFile(join(folder, 'model.json'), 'utf8')) as ModelArtifacts & { meta: ModelMetaJson; record: ModelVersionRecord };
    const weights = await readFile(join(folder, 'weights.bin'));
    const weightData = weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength);
    const { meta, record, ...topology } = json;
    return { record, meta, artifacts: { ...topology, weightData } };
  }

  /** The champion with its weights, or undefined when none was ever accepted. */
  async loadChampion(): Promise<StoredModel | undefined> {
    const champion = await this.champion();
    return champion === undefined ? undefined : this.load(champion.version);
  }

  private async readIndex(): Promise<VersionIndex> {
    const path = join(this.dir, INDEX);
    if (!existsSync(path)) return { champion: null, versions: [] };
    return JSON.parse(await readFile(path, 'utf8')) as VersionIndex;
  }

  private async writeIndex(index: VersionIndex): Promise<void> {
    const path = join(this.dir, INDEX);
    await writeFile(`${path}.tmp`, JSON.stringify(index, null, 2));
    await rename(`${path}.tmp`, path);
  }
}
