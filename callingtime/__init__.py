"""callingtime: evidence-led community-safety campaigns for the UK."""

__version__ = "0.1.0"
