"""The visit counter, kept in a SQLite file that outlives releases."""
import os
import sqlite3


class Store:
    def __init__(self, path):
        os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
        self.db = sqlite3.connect(path, check_same_thread=False)
        self.db.execute("create table if not exists visits (id integer primary key, at text)")
        self.db.commit()

    def record_visit(self):
        self.db.execute("insert into visits (at) values (datetime('now'))")
        self.db.commit()
        return self.count()

    def count(self):
        return self.db.execute("select count(*) from visits").fetchone()[0]
