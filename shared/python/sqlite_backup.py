"""Copy a SQLite database with SQLite's own online backup, while it may be written to.

Usage: sqlite_backup.py SOURCE TARGET   (run as `python -c SOURCE_OF_THIS_FILE SOURCE TARGET`)

The copy holds every transaction committed when the backup ended, whatever the journal
mode (a -wal's committed pages included), and is synced before this exits.
"""
import os
import sqlite3
import sys

source_path, target_path = sys.argv[1:3]
source = sqlite3.connect(source_path, timeout=60)
target = sqlite3.connect(target_path)
try:
    source.backup(target)
finally:
    target.close()
    source.close()
with open(target_path, "rb") as f:
    os.fsync(f.fileno())
