"""The package version, importable by every stage without importing the facade."""

__all__ = ["__version__"]

__version__ = "0.1.0"
