"""policykg: knowledge graphs of Chinese local-government meeting reports."""
__version__ = "0.1.0"
