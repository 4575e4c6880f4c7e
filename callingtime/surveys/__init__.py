"""Resident surveys: building, answering and honest analysis by area."""
