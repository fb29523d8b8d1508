"""USSD menu engine (named states) and SMS keyword grammar; menus are data."""
