import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { ModelsFile } from '../routing/models-file.js';

/** A models file in a fresh temporary folder; `remove()` deletes the folder. */
export function temporaryModelsFile(content: ModelsFile | string): { path: string; remove(): void } {
  const folder = mkdtempSync(path.join(tmpdir(), 'streamgate-models-'));
  const file = path.join(folder, 'models.json');
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  return { path: file, remove: () => rmSync(folder, { recursive: true, force: true }) };
}
