"""What intake's handlers and routers share: the runtime, the directory, the keys and the calendar.

Built once by ``app.create_app`` and kept on ``app.state.intake``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from services.intake.calendar import is_working_day
from services.intake.directory import Directory
from services.intake.domain.windows import WorkingDayCalendar
from services.intake.keys import IntakeKeys
from shared.privacy.vault import Vault
from shared.runtime import Runtime


@dataclass
class Intake:
    runtime: Runtime
    directory: Directory
    keys: IntakeKeys
    vault: Vault
    is_working_day: WorkingDayCalendar = is_working_day

    def now(self) -> datetime:
        return self.runtime.clock.now()
