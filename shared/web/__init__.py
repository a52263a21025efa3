"""HTTP building blocks shared by the four services: auth, problems, logging, metrics, health, limits.

Start a service's app with :func:`shared.web.app.base_app`; import the rest from their modules.
"""
