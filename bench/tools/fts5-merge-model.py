#!/usr/bin/env python3
"""A model of the search indexer's FTS5 writes, to compare merge settings by the time each chunk takes.

Usage: python3 bench/tools/fts5-merge-model.py MODE [CHUNKS]
  MODE: default (FTS5's automerge), crisis64 (crisismerge 64), mergeN (automerge off, 'merge' of N pages per chunk)

Each chunk is one transaction of 100 documents of 20 tokens drawn from 400,000 hex terms (Zipf-like), written to a
contentless FTS5 table like Vigil's SearchPostings (detail=none, ascii tokenizer). Python's sqlite3 is Debian's
SQLite, older than the bundled one, without contentless_delete; the merge code is the same in kind.
"""
import itertools
import os
import random
import sqlite3
import statistics
import sys
import tempfile
import time

mode = sys.argv[1]
chunks = int(sys.argv[2]) if len(sys.argv) > 2 else 5000
folder = tempfile.mkdtemp(prefix="fts5-model-")
db = sqlite3.connect(os.path.join(folder, "model.db"), isolation_level=None)
db.execute("PRAGMA journal_mode=WAL")
db.execute("PRAGMA synchronous=NORMAL")
db.execute("CREATE VIRTUAL TABLE p USING fts5(t, content='', detail=none, tokenize='ascii')")
if mode == "crisis64":
    db.execute("INSERT INTO p(p, rank) VALUES('crisismerge', 64)")
merge_pages = int(mode[5:]) if mode.startswith("merge") else 0
if merge_pages:
    db.execute("INSERT INTO p(p, rank) VALUES('automerge', 0)")

random.seed(1)
vocabulary = [f"{random.getrandbits(64):016x}" for _ in range(400_000)]
weights = list(itertools.accumulate(1 / (i + 1) ** 0.9 for i in range(len(vocabulary))))
times = []
doc = 0
for _ in range(chunks):
    rows = []
    for _ in range(100):
        doc += 1
        rows.append((doc, " ".join(random.choices(vocabulary, cum_weights=weights, k=20))))
    start = time.perf_counter()
    db.execute("BEGIN IMMEDIATE")
    db.executemany("INSERT INTO p(rowid, t) VALUES(?, ?)", rows)
    if merge_pages:
        db.execute("INSERT INTO p(p, rank) VALUES('merge', ?)", (merge_pages,))
    db.execute("COMMIT")
    times.append((time.perf_counter() - start) * 1000)

ordered = sorted(times)
print(f"{mode}: {chunks} chunks, ms per chunk p50 {statistics.median(times):.2f} p99 {ordered[int(len(times) * .99)]:.2f} "
      f"p99.9 {ordered[int(len(times) * .999)]:.2f} max {max(times):.1f}; all chunks {sum(times) / 1000:.1f} s; "
      f"over 20 ms: {sum(t > 20 for t in times)}, over 50 ms: {sum(t > 50 for t in times)}")
db.close()
for name in os.listdir(folder):
    os.remove(os.path.join(folder, name))
os.rmdir(folder)
