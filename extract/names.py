"""How file and document names are shown on a terminal and in messages: never raw.

A file name may hold anything but ``/`` and NUL — a newline, an ANSI escape that recolours the
terminal, a leading ``-``. Messages print :func:`shown` names.
"""

from __future__ import annotations


def shown(name: str) -> str:
    r"""A file or document name safe to print on a terminal: a name with characters that do not
    print (newline, ANSI escape, zero-width space) is shown as a quoted Python literal.

    >>> shown("a\x1b[31m.pdf"), shown("年报 2020.pdf"), shown("a.pdf")
    ("'a\\x1b[31m.pdf'", '年报 2020.pdf', 'a.pdf')
    """
    if name.isprintable() and name:
        return name
    return repr(name)
