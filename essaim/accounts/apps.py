from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "essaim.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        share_allauth_rate_limits()


def share_allauth_rate_limits() -> None:
    """allauth's rate limits (failed sign-ins, password resets, sign-ups…) count in the shared counters.

    allauth keeps its attempts in ``django.core.cache.cache``, the default cache, which the embedded
    topology keeps in each process's memory: three workers let three times the limit through. Its one
    module that reads the cache (``allauth.core.internal.ratelimit``: every limit, its lock included)
    reads the ``ratelimit`` alias instead (``core.counters``). ``tests/core/test_counters.py`` checks it
    on a real three-worker server, so an allauth upgrade that moves this fails there.
    """
    from allauth.core.internal import ratelimit
    from django.core.cache import caches
    from django.utils.connection import ConnectionProxy

    from essaim.core.counters import ALIAS

    ratelimit.cache = ConnectionProxy(caches, ALIAS)  # a proxy, as Django's own ``cache``
