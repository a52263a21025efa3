"""Supervision domain: statutory calendar, deadlines, clocks and supervision rules.

Pure code: no I/O except the explicit file loaders, no framework, no database, and nothing reads
the system clock: every function that needs the time takes ``now``.

Where things are (rule numbers refer to DOMAIN.md):

- ``calendar.py``        is a date a working day in China (statutory holidays, 调休)
- ``calendar_years.py``  year files ``data/calendar/<year>.yaml``: format, parsing, loading
- ``periods.py``         period arithmetic (§4, Civil Code Arts 200–203): when does a period end
- ``policies.py``        clock policies as data (``data/clock_policies.yaml``: D1–D7, S3, R13)
- ``events.py``          events recorded by a clock
- ``commands.py``        commands a clock accepts
- ``clocks.py``          the clock aggregate: ``evolve``, ``decide``, ``view``
- ``actions.py``         supervision actions (S1–S5) that the rules ask for
- ``escalation.py``      S1 due soon / overdue, S2 urging, S3 notices, S4 escalation
- ``leader_ownership.py`` S5 leader ownership triggers
- ``errors.py``          domain errors
"""
