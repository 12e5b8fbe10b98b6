import { execFileSync } from 'node:child_process';
import { mkdtempSync, openSync, rmSync, writeSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface SmallDisk {
  /** The mount point: a real file system of its own. */
  path: string;
  /** Fills what is left of the disk with one file, so the next write that needs a block fails with ENOSPC. */
  fill(): void;
  /** Removes the filler: the disk takes writes again. */
  free(): void;
  /** Remounts it read-only (EROFS for every write) or writable again. */
  setReadOnly(readOnly: boolean): void;
  remove(): void;
}

const FILLER = '.filler';

/**
 * A tmpfs of `sizeBytes` mounted on a fresh temporary folder: a disk that really fills up and really
 * turns read-only, so the stores meet ENOSPC and EROFS from the kernel, not from a mock. Mounting needs
 * root (CI runs as root).
 */
export function mountSmallDisk(sizeBytes: number): SmallDisk {
  if (process.getuid?.() !== 0) {
    throw new Error('this test mounts a small tmpfs to fill a real disk: run the tests as root (CI does)');
  }
  const mountPoint = mkdtempSync(path.join(tmpdir(), 'streamgate-disk-'));
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeBytes}`, 'tmpfs', mountPoint]);
  const filler = path.join(mountPoint, FILLER);
  return {
    path: mountPoint,
    fill() {
      const descriptor = openSync(filler, 'a');
      const block = Buffer.alloc(4096, 1);
      try {
        for (;;) writeSync(descriptor, block);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
      } finally {
        closeSync(descriptor);
      }
    },
    free() {
      rmSync(filler, { force: true });
    },
    setReadOnly(readOnly) {
      execFileSync('mount', ['-o', `remount,${readOnly ? 'ro' : 'rw'}`, mountPoint]);
    },
    remove() {
      execFileSync('umount', ['-l', mountPoint]);
      rmSync(mountPoint, { recursive: true, force: true });
    },
  };
}
