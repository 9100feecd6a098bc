"""The ``gategenome`` command line: a thin click layer over the library.

Each subcommand lives in its own module ``gategenome/cli/<name>.py`` that defines
``command`` (a :class:`click.Command`).  Modules import only click at top level;
heavy imports (torch, pyBigWig) happen inside command bodies so ``--help`` is
instant.
"""
