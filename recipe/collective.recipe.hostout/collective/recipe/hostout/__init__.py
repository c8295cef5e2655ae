"""A Hostout deployment target as a buildout part: `bin/<part>` runs ctl for it."""
