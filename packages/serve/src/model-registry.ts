// The models a service offers: `name:version` (InnerEye's `model_id`, Azure ML's `Name:Version`)
// → a Seahorse model package folder. Read once at start from a registry folder (each subfolder
// holding a model.json, or the folder itself being one) or from a JSON config file.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { MODEL_MANIFEST_FILE, parseModelManifest, type ModelManifest } from '@seahorse/model-package';
import { z } from 'zod';

/** A model id as it appears in the URL: `Name:Version`. */
export const ModelId = z.string().regex(/^[A-Za-z0-9_.-]{1,100}:[A-Za-z0-9_.-]{1,40}$/, 'expected Name:Version, e.g. Hippocampus:1');

/** A registry config file: `{ "models": { "Hippocampus:1": "models/hippocampus" } }`; paths relative to the file. */
export const RegistryConfig = z.object({
  models: z.record(ModelId, z.string().min(1)).refine((m) => Object.keys(m).length > 0, 'lists no model'),
}).strict();

/** One registered model. */
export interface RegisteredModel {
  id: string;
  /** Absolute path of the model package folder. */
  folder: string;
  /** ROI names in label order (the manifest's classes without background). */
  structures: string[];
}

/** A registry folder or config file that cannot be used. */
export class ModelRegistryError extends Error {
  override readonly name = 'ModelRegistryError';
  constructor(readonly file: string, readonly field: string, message: string) {
    super(`${file}: ${field}: ${message}`);
  }
}

const idOf = (m: ModelManifest) => `${m.name}:${m.version}`;

function readManifest(folder: string): ModelManifest {
  const file = path.join(folder, MODEL_MANIFEST_FILE);
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new ModelRegistryError(file, '(file)', `cannot read the model manifest: ${(err as Error).message}`);
  }
  return parseModelManifest(json, file);
}

function register(models: Map<string, RegisteredModel>, id: string, folder: string, source: string): void {
  const manifest = readManifest(folder);
  if (!ModelId.safeParse(id).success) throw new ModelRegistryError(source, id, 'is not a usable model id (Name:Version, letters, digits, "_", "." and "-")');
  const previous = models.get(id);
  if (previous) throw new ModelRegistryError(source, id, `registered twice: ${previous.folder} and ${folder}`);
  models.set(id, { id, folder, structures: manifest.classes.slice(1) });
}

/** The registered models, by id. */
export class ModelRegistry {
  private constructor(private readonly models: ReadonlyMap<string, RegisteredModel>) {}

  /**
   * Loads a registry from `source`:
   * - a JSON config file ({@link RegistryConfig});
   * - a folder holding `model.json` (one model, id from its name and version);
   * - a folder whose subfolders hold `model.json` (each registered as `name:version`).
   * @throws ModelRegistryError naming the file and field; ModelPackageError for a bad manifest.
   */
  static load(source: string): ModelRegistry {
    const abs = path.resolve(source);
    if (!existsSync(abs)) throw new ModelRegistryError(abs, '(path)', 'does not exist');
    const models = new Map<string, RegisteredModel>();
    if (statSync(abs).isFile()) {
      let json: unknown;
      try {
        json = JSON.parse(readFileSync(abs, 'utf8'));
      } catch (err) {
        throw new ModelRegistryError(abs, '(file)', `not JSON: ${(err as Error).message}`);
      }
      const parsed = RegistryConfig.safeParse(json);
      if (!parsed.success) {
        const issue = parsed.error.issues[0]!;
        // A bad key reports its own rule one level down.
        const message = (issue as { issues?: { message: string }[] }).issues?.[0]?.message ?? issue.message;
        throw new ModelRegistryError(abs, issue.path.map(String).join('.') || '(root)', message);
      }
      for (const [id, folder] of Object.entries(parsed.data.models)) register(models, id, path.resolve(path.dirname(abs), folder), abs);
    } else if (existsSync(path.join(abs, MODEL_MANIFEST_FILE))) {
      register(models, idOf(readManifest(abs)), abs, abs);
    } else {
      for (const name of readdirSync(abs).sort()) {
        const folder = path.join(abs, name);
        if (statSync(folder).isDirectory() && existsSync(path.join(folder, MODEL_MANIFEST_FILE))) {
          register(models, idOf(readManifest(folder)), folder, abs);
        }
      }
      if (models.size === 0) throw new ModelRegistryError(abs, '(folder)', `holds no model package (no ${MODEL_MANIFEST_FILE} in it or its subfolders)`);
    }
    return new ModelRegistry(models);
  }

  /** The model registered as `id`, or `undefined`. */
  get(id: string): RegisteredModel | undefined {
    return this.models.get(id);
  }

  /** Every registered id, sorted. */
  ids(): string[] {
    return [...this.models.keys()].sort();
  }
}
