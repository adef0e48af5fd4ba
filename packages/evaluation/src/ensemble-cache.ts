import { openEnsemble, type Ensemble } from '@seahorse/inference';
import { loadModelPackage } from '@seahorse/model-package';

/** Options of an {@link EnsembleCache}. */
export interface EnsembleCacheOptions {
  /** onnxruntime intra-op threads per session when a run does not say. Default: the model package's `inference.threads`. */
  threads?: number;
}

/**
 * Open ensembles (one session host with one onnxruntime session per member), reused across
 * subjects: one per model package folder and thread count. `close()` ends them all.
 */
export class EnsembleCache {
  private readonly open = new Map<string, Promise<Ensemble>>();

  constructor(private readonly options: EnsembleCacheOptions = {}) {}

  /**
   * The ensemble of `modelDir` with `threads` intra-op threads per session (the run's choice, else
   * this cache's, else the package's), opened on first use.
   * @throws ModelPackageError for a broken package; InferenceRuntimeError when sessions cannot start.
   */
  get(modelDir: string, threads?: number): Promise<Ensemble> {
    const intraOpThreads = threads ?? this.options.threads;
    const key = `${modelDir}\0${intraOpThreads ?? 'package'}`;
    let e = this.open.get(key);
    if (!e) {
      e = loadModelPackage(modelDir).then((pkg) => openEnsemble(pkg, intraOpThreads ? { intraOpThreads } : {}));
      this.open.set(key, e);
      e.catch(() => this.open.delete(key));
    }
    return e;
  }

  /** Closes every ensemble (their session hosts exit). */
  async close(): Promise<void> {
    const all = [...this.open.values()];
    this.open.clear();
    for (const e of all) await (await e.catch(() => undefined))?.close();
  }
}
