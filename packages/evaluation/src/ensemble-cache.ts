import { chooseDevice, openEnsemble, type Ensemble } from '@seahorse/inference';
import { loadModelPackage } from '@seahorse/model-package';

/** Options of an {@link EnsembleCache}. */
export interface EnsembleCacheOptions {
  /** onnxruntime intra-op threads per session when a run does not say. Default: the model package's `inference.threads`. */
  threads?: number;
  /**
   * The device this process may use (a worker's `--device`): `cuda:N` picks the GPU for runs that
   * ask for one, `cpu` offers none; absent or `auto`: the run's device decides (see `chooseDevice`).
   */
  device?: string;
  /** Told which device an `auto` ensemble chose and why (e.g. printed by the CLI). */
  onNotice?: (line: string) => void;
}

/**
 * Open ensembles (one session host with one onnxruntime session per member), reused across
 * subjects and scans: one per model package folder, thread count and device. Each member's
 * session stays open for the life of the cache, so on a GPU cuDNN's algorithm search for a patch
 * shape is paid on the first scan only. `close()` ends them all.
 */
export class EnsembleCache {
  private readonly open = new Map<string, Promise<Ensemble>>();

  constructor(private readonly options: EnsembleCacheOptions = {}) {}

  /**
   * The ensemble of `modelDir` with `threads` intra-op threads per session (the run's choice, else
   * this cache's, else the package's) on `device` (the run's, combined with this cache's by
   * `chooseDevice`), opened on first use.
   * @throws ModelPackageError for a broken package; InferenceRuntimeError when sessions cannot start
   *   (`CUDA_UNAVAILABLE` with one line naming what is missing for a `cuda` device).
   */
  get(modelDir: string, threads?: number, device?: string): Promise<Ensemble> {
    const intraOpThreads = threads ?? this.options.threads;
    let chosen: string;
    try {
      chosen = chooseDevice(device, this.options.device);
    } catch (err) {
      return Promise.reject(err);
    }
    const key = `${modelDir}\0${intraOpThreads ?? 'package'}\0${chosen}`;
    let e = this.open.get(key);
    if (!e) {
      const onNotice = this.options.onNotice;
      e = loadModelPackage(modelDir).then((pkg) => openEnsemble(pkg, {
        device: chosen, ...(intraOpThreads ? { intraOpThreads } : {}), ...(onNotice ? { onNotice } : {}),
      }));
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
