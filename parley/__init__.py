"""parley: a sourced, queryable record of diplomacy from news reports."""
__version__ = "0.1.0"
