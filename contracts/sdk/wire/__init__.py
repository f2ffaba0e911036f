"""Wire shapes of the Permanent APIs: the only SDK code that knows their paths and key names."""
