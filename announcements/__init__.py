"""Cumulative balance plans -> announcement sequences, and their IVR forms (JSON/TwiML/VXML)."""
