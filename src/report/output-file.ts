/**
 * Every file tasksim writes (reports, traces, merged campaigns) goes through here: checked before
 * the run starts, written to a temporary file beside its destination and renamed into place only
 * when complete. A full disk or a signal never leaves half a report over the last good one.
 */
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  renameSync,
  rmSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';

/** An output that cannot be written: `cannot write <path>: <reason>`. */
export class OutputError extends Error {
  constructor(
    readonly path: string,
    readonly reason: string,
  ) {
    super(`cannot write ${path}: ${reason}`);
    this.name = 'OutputError';
  }
}

/** The errno codes a user can act on, in words. */
export function ioReason(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  switch (err?.code) {
    case 'ENOENT':
      return 'no such directory';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EROFS':
      return 'read-only file system';
    case 'ENOTDIR':
      return 'a part of the path is a file, not a directory';
    case 'EISDIR':
      return 'it is a directory';
    case 'ENOSPC':
      return 'no space left on the device';
    case 'EDQUOT':
      return 'disk quota exceeded';
    case 'EFBIG':
      return 'file too large for this file system or limit';
    case 'ENAMETOOLONG':
      return 'the name is too long';
    default:
      return err?.code ? `${err.code}: ${err.message}` : String((e as Error)?.message ?? e);
  }
}

/** A temporary name beside `path`, in the same directory so that the rename is atomic. */
function tempBeside(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
}

/**
 * A file being written: bytes go to a temporary file; `commit` renames it over `path`, `abort`
 * removes it. The first write error is kept, later writes are dropped, and `commit` throws it, so a
 * run can finish and say what it found even when its trace could not be kept.
 */
export class OutputFile {
  private fd: number | undefined;
  private readonly temp: string;
  private failure: OutputError | undefined;

  constructor(readonly path: string) {
    this.temp = tempBeside(path);
    try {
      this.fd = openSync(this.temp, 'wx');
    } catch (e) {
      throw new OutputError(path, ioReason(e));
    }
  }

  /** Whether a write has failed (the file will not be committed). */
  get failed(): OutputError | undefined {
    return this.failure;
  }

  write(text: string): void {
    if (this.failure || this.fd === undefined || text === '') return;
    try {
      const bytes = Buffer.from(text);
      // A regular file may take fewer bytes than offered: write until all are in.
      for (let off = 0; off < bytes.length; ) off += writeSync(this.fd, bytes, off);
    } catch (e) {
      this.failure = new OutputError(this.path, ioReason(e));
      this.abort();
    }
  }

  /** Flushes to disk and renames into place; throws the first write error instead (old file intact). */
  commit(): void {
    if (this.failure) throw this.failure;
    if (this.fd === undefined) return;
    try {
      fsyncSync(this.fd);
      closeSync(this.fd);
      this.fd = undefined;
      renameSync(this.temp, this.path);
    } catch (e) {
      this.failure = new OutputError(this.path, ioReason(e));
      this.abort();
      throw this.failure;
    }
  }

  /** Drops the temporary file; the destination is untouched. */
  abort(): void {
    if (this.fd !== undefined) {
      try {
        closeSync(this.fd);
      } catch {
        // already unusable: removing it is all that is left
      }
      this.fd = undefined;
    }
    try {
      unlinkSync(this.temp);
    } catch {
      // never created, or gone already
    }
  }
}

/** Writes `text` to `path` atomically (temporary file beside it, then rename). */
export function writeFileAtomic(path: string, text: string): void {
  const out = new OutputFile(path);
  out.write(text);
  out.commit();
}

/** Writes several files of one directory, each atomically; returns their paths. */
export function writeFilesAtomic(dir: string, files: readonly (readonly [name: string, text: string])[]): string[] {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (e) {
    throw new OutputError(dir, ioReason(e));
  }
  return files.map(([name, text]) => {
    const path = join(dir, name);
    writeFileAtomic(path, text);
    return path;
  });
}

/**
 * Checks, before any work, that `path` can be written: as a file (its directory exists and it is not
 * a directory) or as a directory of reports (made if missing, with its parents). Probes with a real temporary file,
 * so a read-only file system or a full quota is found now, not after the run. Throws OutputError.
 */
export function checkWritable(path: string, kind: 'file' | 'dir'): void {
  if (path === '') throw new OutputError(path, 'the path is empty');
  const stat = statOrUndefined(path);
  if (kind === 'file' && stat?.isDirectory()) throw new OutputError(path, 'it is a directory; give a file name');
  if (kind === 'dir' && stat && !stat.isDirectory()) throw new OutputError(path, 'it is a file, not a directory');
  // The nearest directory that exists is where files (or the missing directories) will be made.
  let dir = kind === 'dir' && stat ? path : dirname(resolve(path));
  if (kind === 'file' && !statOrUndefined(dir)?.isDirectory()) {
    throw new OutputError(
      path,
      statOrUndefined(dir) ? `${dirname(path)} is a file, not a directory` : `no such directory ${dirname(path)}`,
    );
  }
  for (;;) {
    const s = statOrUndefined(dir);
    if (s) {
      if (!s.isDirectory()) throw new OutputError(path, `${dir} is a file, not a directory`);
      break;
    }
    const up = dirname(dir);
    if (up === dir) throw new OutputError(path, 'no such directory');
    dir = up;
  }
  const probe = tempBeside(join(dir, 'tasksim-probe'));
  try {
    closeSync(openSync(probe, 'wx'));
  } catch (e) {
    throw new OutputError(
      path,
      dir === dirname(resolve(path)) || dir === resolve(path) ? ioReason(e) : `${ioReason(e)} (creating it in ${dir})`,
    );
  } finally {
    rmSync(probe, { force: true });
  }
}

function statOrUndefined(path: string): ReturnType<typeof statSync> | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

/** Whether two paths name the same file (an input must never be an output of the same run). */
export function samePath(a: string, b: string): boolean {
  if (resolve(a) === resolve(b)) return true;
  if (!existsSync(a) || !existsSync(b)) return false;
  const sa = statSync(a);
  const sb = statSync(b);
  return sa.dev === sb.dev && sa.ino === sb.ino;
}
