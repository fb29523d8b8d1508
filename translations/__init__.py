"""Rendering for subscribers: translations, number/currency formats, templates, GSM fitting."""
