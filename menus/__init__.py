"""USSD menu engine (named states) and SMS keyword grammar; menus are data.

Pure and synchronous (no I/O: tests/unit/test_architecture.py checks the imports). The flow,
one module per step:

    model       a menu as data: choice, input, confirm and show states (config/menus/*.toml)
    loading     menus from TOML, every mistake by field path
    binding     a menu bound to its provider's catalog and languages, once at start-up
    session     the session: a state name, the language, a few typed answers, the page
    validators  keypad text -> typed answers (voucher PIN, MSISDN, amount in minor units)
    engine      (session, input) -> next session + a screen or one ledger action;
                (session, action result) -> the screen
    actions     what the engine asks of the ledger (run by the gateway, with its key)
    outcomes    ledger outcomes -> the message that ends the dialogue
    screens     what to show, as data
    present     screens -> USSD text in the session's language, within the USSD limits
"""
