"""The visit counter, kept in a SQLite file that outlives releases."""
import os
import sqlite3
import threading


class Store:
    """One connection per process, shared by the server's threads (under a lock); several
    processes (instances behind a balancer) write the same file. Each write takes the write
    lock up front (BEGIN IMMEDIATE): a deferred transaction that holds a read lock and then
    asks for the write lock can deadlock with another process's commit, and SQLite answers
    that with "database is locked" at once, without waiting."""

    def __init__(self, path):
        os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
        # autocommit (isolation_level None): transactions are begun here, explicitly
        self.db = sqlite3.connect(path, check_same_thread=False, timeout=30, isolation_level=None)
        self.lock = threading.Lock()
        with self.lock:
            self.db.execute("create table if not exists visits (id integer primary key, at text)")

    def record_visit(self):
        with self.lock:
            self.db.execute("begin immediate")
            try:
                self.db.execute("insert into visits (at) values (datetime('now'))")
                count = self.db.execute("select count(*) from visits").fetchone()[0]
                self.db.execute("commit")
            except BaseException:
                self.db.execute("rollback")
                raise
            return count

    def count(self):
        with self.lock:
            return self.db.execute("select count(*) from visits").fetchone()[0]
