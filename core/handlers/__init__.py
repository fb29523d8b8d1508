"""Command handlers: pure functions (Book, command) -> Outcome. Each checks its rules in the
documented order and changes nothing until every rule has passed."""
