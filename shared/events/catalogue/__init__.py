"""The event catalogue: every event type of every service. Importing this package registers them all.

These modules are the public contract between the services (and the source of ``docs/asyncapi.yaml``).
"""

from shared.events.catalogue import intake, reporting, routing, supervision  # noqa: F401
