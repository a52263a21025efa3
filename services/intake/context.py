"""What intake's handlers and routers share: the runtime, the directory, the keys and the calendar.

Built once by ``app.create_app`` and kept on ``app.state.intake``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from services.intake.directory import Directory
from services.intake.domain.windows import WorkingDayCalendar
from services.intake.keys import IntakeKeys
from shared.calendar.statutory import StatutoryCalendar
from shared.privacy.vault import Vault
from shared.runtime import Runtime


@dataclass
class Intake:
    runtime: Runtime
    directory: Directory
    keys: IntakeKeys
    vault: Vault
    #: the statutory calendar every service shares (package + operator-loaded ``data/calendar`` years);
    #: intake counts the D4/D5 windows and the D1 date it tells petitioners before supervision has answered
    calendar: StatutoryCalendar = field(default_factory=StatutoryCalendar)

    @property
    def is_working_day(self) -> WorkingDayCalendar:
        return self.calendar.is_working_day

    def now(self) -> datetime:
        return self.runtime.clock.now()
