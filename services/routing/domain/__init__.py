"""The pure routing domain: directory, classifier (R1), place (R2), rules (R3–R12) and the router (R14).

No I/O beyond reading the data files a caller names, no framework, no database. The service layer calls
:func:`services.routing.domain.router.route` with a petition body, a :class:`Directory` and a
:class:`Classifier`.
"""
