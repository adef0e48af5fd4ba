import { execFileSync } from 'node:child_process';
import { isCI } from '@seahorse/testkit';

/**
 * Why tests that need a Debian tool on PATH cannot run, or undefined when they can. Under CI a
 * missing tool is a failure (scripts/setup-dicom-tools.sh installs them), never a silent skip.
 */
export function toolMissing(tool: string): string | undefined {
  try {
    execFileSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' });
    return undefined;
  } catch {
    const reason = `${tool} not on PATH (bash scripts/setup-dicom-tools.sh installs it)`;
    if (isCI()) throw new Error(`CI=true and ${reason}`);
    return reason;
  }
}
