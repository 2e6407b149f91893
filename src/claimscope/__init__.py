"""claimscope: curated contested claims with verbatim provenance, rendered as reports."""

__version__ = "0.1.0"
