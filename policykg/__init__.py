"""policykg: knowledge graphs of Chinese local-government meeting reports.

>>> import policykg
>>> kg = policykg.build([policykg.Document.from_text("岷县召开全县乡村振兴工作会议", published="2021-03-17")])
>>> len(kg.documents)
1
"""
from __future__ import annotations

__version__ = "0.1.0"
__all__ = ["build", "KnowledgeGraph", "Document", "extract_document", "__version__"]


def __getattr__(name):
    # no work at import time: the API is loaded on first use
    if name in ("build", "KnowledgeGraph", "extract_document", "BuildFailure"):
        from . import api
        return getattr(api, name)
    if name == "Document":
        from .extract.document import Document
        return Document
    raise AttributeError(name)
