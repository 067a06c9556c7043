# WAL pages and time per group commit (32 token inserts) into an oauth_tokens-shaped
# SQLite table: a TEXT primary key with random ids (before), the same key with
# time-ordered ids (client id, then milliseconds in hex, then random; what
# TokenIds.New makes now), and rowid addressing.
# Usage: python3 load-tests/wal-pages.py [ROWS]   (default 1,000,000; see docs/benchmarks.md)
import sqlite3, os, secrets, time, sys, base64, tempfile, shutil
folder = tempfile.mkdtemp()
def run(schema, prefill):
    path = os.path.join(folder, f"wal-{schema}.db")
    for s in ("", "-wal", "-shm"):
        if os.path.exists(path + s): os.remove(path + s)
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL"); db.execute("PRAGMA synchronous=NORMAL"); db.execute("PRAGMA wal_autocheckpoint=0")
    pk = "rid INTEGER PRIMARY KEY, id TEXT NOT NULL," if schema == "rowid" else "id TEXT NOT NULL PRIMARY KEY,"
    db.execute(f"CREATE TABLE t ({pk} client_id TEXT NOT NULL, type TEXT NOT NULL, status TEXT NOT NULL, created_at INTEGER NOT NULL, expires_at INTEGER, payload TEXT, version INTEGER NOT NULL)")
    db.execute("CREATE INDEX ix ON t (client_id, expires_at)")
    payload = "x" * 300
    now = int(time.time() * 1000)
    def rows(n, t0):
        for i in range(n):
            random = base64.urlsafe_b64encode(secrets.token_bytes(16)).decode()
            key = f"client-1.{t0 + i:012x}{random}" if schema == "ordered" else f"client-1.{random}"
            yield (key, "client-1", "access_token", "valid", t0 + i, t0 + i + 7200000, payload, 1)
    ins = "INSERT INTO t (id, client_id, type, status, created_at, expires_at, payload, version) VALUES (?,?,?,?,?,?,?,?)"
    db.execute("BEGIN"); db.executemany(ins, rows(prefill, now)); db.execute("COMMIT")
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    commits, batch = 300, 32
    start = time.perf_counter()
    for c in range(commits):
        db.execute("BEGIN"); db.executemany(ins, rows(batch, now + prefill + c * batch)); db.execute("COMMIT")
    elapsed = time.perf_counter() - start
    frames = db.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()[1]
    print(f"{schema:7} rows {prefill:>8}: {frames / commits:6.1f} WAL pages per commit of {batch}, {commits * batch / elapsed:8.0f} inserts/s")
    db.close()
for n in (10, int(sys.argv[1]) if len(sys.argv) > 1 else 1000000):
    for s in ("textpk", "ordered", "rowid"):
        run(s, n)
shutil.rmtree(folder)
