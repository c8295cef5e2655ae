"""Evaluate one buildout section condition, such as `sys.platform == 'linux'`,
exactly as zc.buildout does: a Python expression evaluated with buildout's own
default globals (python3, linux, sys, os, platform, re, ...).

Usage: python3 eval_section_condition.py EXPRESSION
Prints one JSON line: {"value": true|false} or {"error": TYPE, "message": TEXT}.
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import buildout_launcher  # noqa: F401,E402  (lets zc.buildout 2.13 import on Python >= 3.10)
from zc.buildout.buildout import _default_globals  # noqa: E402


def main(expression):
    # Buildout un-escapes these two, which a header could not hold otherwise.
    expression = expression.replace(r'\x23', '#').replace(r'\x3b', ';')
    try:
        # Buildout wraps the expression in the header's own brackets and takes the first item.
        value = eval('[' + expression + ']', _default_globals())[0]
        result = {'value': bool(value)}
    except Exception as error:  # reported to the reader, which refuses the header like buildout
        result = {'error': type(error).__name__, 'message': str(error)}
    print(json.dumps(result))


main(sys.argv[1])
