// Which folders keep the embedded PostgreSQL's user from its programs and data: the outermost closed
// one on the way to each path, once; folders not made yet are not in the way.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { blockedFolders } from '../../src/db/embedded-access.ts';

describe('blocked folders', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'access-'));
  const home = path.join(root, 'home');
  fs.mkdirSync(path.join(home, 'work/node_modules'), { recursive: true });

  it('names the outermost closed folder on the way to each path, once', () => {
    const closed = new Set([home, path.join(home, 'work')]);
    const canPass = (folder: string) => !closed.has(folder);
    expect(
      blockedFolders([path.join(home, 'work/node_modules/pg'), path.join(home, 'work/.data/pg')], canPass),
    ).toEqual([home]);
  });

  it('finds nothing when every folder on the way is open, and ignores folders not made yet', () => {
    expect(blockedFolders([path.join(home, 'work/.data/pg')], () => true)).toEqual([]);
    const asked: string[] = [];
    blockedFolders([path.join(home, 'not/made/yet/pg')], (folder) => {
      asked.push(folder);
      return true;
    });
    expect(asked).toContain(home);
    expect(asked).not.toContain(path.join(home, 'not'));
  });
});
