#!/usr/bin/env python3
"""Which b-trees a SQLite commit writes: reads copies of a database and its WAL taken while the server runs,
and counts the WAL's frames by the table or index their page belongs to (SQLite's dbstat table).

    cp data/vigil.db-wal /tmp/s.wal; cp data/vigil.db /tmp/s.db   # while the server is under load
    python3 bench/tools/wal-pages.py /tmp/s.db /tmp/s.wal

A frame is one page written by one commit; pages new since the copy of the database show as "?new". The WAL
holds the commits since the last checkpoint, so a copy shows a few commits."""
import collections
import sqlite3
import struct
import sys


def frames(wal_path):
    wal = open(wal_path, 'rb').read()
    page_size = struct.unpack('>I', wal[8:12])[0]
    salt = wal[16:24]
    offset, pages, commits = 32, [], 0
    while offset + 24 + page_size <= len(wal):
        page, size_after_commit = struct.unpack('>II', wal[offset:offset + 8])
        if wal[offset + 8:offset + 16] != salt:
            break  # a frame left from before the WAL was last reset
        pages.append(page)
        commits += size_after_commit != 0
        offset += 24 + page_size
    return pages, commits


def main(db_path, wal_path):
    database = sqlite3.connect(f'file:{db_path}?mode=ro&immutable=1', uri=True)
    owner = {page: name for name, page in database.execute('SELECT name, pageno FROM dbstat')}
    pages, commits = frames(wal_path)
    print(f'{len(pages)} frames, {commits} commits, {len(set(pages))} distinct pages')
    for name, count in collections.Counter(owner.get(p, '?new') for p in pages).most_common():
        print(f'{count:8d}  {count / max(commits, 1):8.1f} a commit  {name}')


if __name__ == '__main__':
    main(*sys.argv[1:3])
