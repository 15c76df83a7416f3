"""Footfall: self-hosted web analytics that speaks Matomo."""

__version__ = "0.1.0"
# The Matomo version Footfall answers to API.getMatomoVersion: clients such as
# the log importer check it before they send anything.
MATOMO_COMPAT_VERSION = "5.2.0"
