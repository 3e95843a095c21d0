"""The acoustic engine built on numpy: PocketSphinx's en-us model scored once per recording,
every search a Viterbi pass over those scores (issue 13, being built; not yet used by `align`)."""
