"""soknad: a guide to public funding of competence development in Norwegian industry."""

__version__ = "0.1.0"
