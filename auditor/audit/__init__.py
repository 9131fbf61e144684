"""The audit: one validated :class:`AuditSettings`, one :class:`AuditContext`, and the result
built section by section (:mod:`auditor.audit.sections`)."""

import sys
import types

from auditor.audit.context import AuditContext, Embeddings
from auditor.audit.run import audit
from auditor.audit.settings import AuditSettings

__all__ = ["AuditContext", "AuditSettings", "Embeddings", "audit"]


class _CallablePackage(types.ModuleType):
    """``auditor.audit`` names both this package and the function: importing the package binds
    the name to the package, so calling the package calls :func:`audit`."""

    __call__ = staticmethod(audit)


sys.modules[__name__].__class__ = _CallablePackage
