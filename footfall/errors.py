"""One exception tree for Footfall, mapped to HTTP status in exactly one place.

Raise the subclass that says what went wrong; the web layer (``app.py``) and
the API renderer turn it into a status code and, for the Reporting API,
Matomo's error shape.
"""

from __future__ import annotations


class FootfallError(Exception):
    """Base of every error Footfall raises on purpose."""

    status_code = 500


class ConfigError(FootfallError):
    """A setting is unknown or has a bad value; raised at start-up."""


class BadRequest(FootfallError):
    """The client sent something we cannot accept; the message says why."""

    status_code = 400


class Unauthorized(FootfallError):
    """No valid credentials were given."""

    status_code = 401


class Forbidden(FootfallError):
    """Credentials are valid but lack the access this needs."""

    status_code = 403


class NotFound(FootfallError):
    """The thing asked for does not exist."""

    status_code = 404


class PayloadTooLarge(BadRequest):
    """The request body is larger than the configured limit."""

    status_code = 413


class Conflict(FootfallError):
    """The request clashes with what is stored (e.g. a duplicate login)."""

    status_code = 409
