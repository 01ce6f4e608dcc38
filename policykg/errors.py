"""The errors policykg raises (defined in :mod:`policykg.extract.errors`)."""
from .extract.errors import (InputError, InputNotFound, OntologyError, PolicyKGError, QueryError,  # noqa: F401
                             RuleError)
