"""The domain core: models, rules and operations of the mock; never imports flask or the wire layer."""
