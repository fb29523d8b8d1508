"""Cumulative balance plans -> announcement sequences, and their IVR forms (JSON/TwiML/VXML).

Pure and synchronous. The flow, one module per step:

    plans         the operator's plan: categories, flags, playback order (move_up/move_down)
    loading       plans from TOML/dicts (config/plans/*.toml) and back
    validation    every broken rule as (field, message)
    fallbacks     which ref plays when a category leaves one unset
    resolution    a valid plan with fallbacks settled: ResolvedPlan (raises ValidationError)
    sequence      WalletSnapshot + ResolvedPlan (or no plan) -> AnnouncementSequence
    prompts       the output model: Prompt(set, entry, variables), Amount / Units / Days
    speech        variables as TTS text per language (Babel/CLDR)
    recordings    {base_url}/{language}/{set}/{entry}.wav
    ivr_json, twiml, voicexml    the three wire forms of one sequence
"""
