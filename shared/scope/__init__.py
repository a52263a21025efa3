"""Who may see which case (P3, P2/R5): the policy in :mod:`.policy`, its SQL form in :mod:`.queries`,
and the read model it runs on in :mod:`.projection`."""
