"""The Chinese statutory calendar (holidays and 调休 make-up working days, operator-loadable years) and
the Civil Code's period arithmetic (民法典 Arts 200–203). Every deadline in the system is counted here:
supervision's clocks (D1–D7), routing's 5-working-day return window (R13), intake's expected dates."""
