"""The intake domain: pure rules about registering a petition (DOMAIN.md §1–2, R11, R12, D4, D5, D8, S11, P1).

No I/O, no framework, no database. Time always comes in as a parameter.

- ``validation`` — field checks of a petition draft (``id_numbers``, ``phones``, ``channels``, ``drafts``)
- ``case_numbers`` — case numbers read aloud (370703-2026-000123) and query codes (查询码)
- ``text``, ``lexicon``, ``similarity`` — "the same matter in other words" (R12)
- ``repeats`` — repeat (重信重访) outcomes and possible collective clusters (R12)
- ``flags`` — collective (R11) and urgent suggestions (S11)
- ``commands``, ``petition`` — the petition aggregate: ``evolve`` and ``decide``
- ``windows`` — statutory periods counted the Civil Code way (D4, D5)
"""
