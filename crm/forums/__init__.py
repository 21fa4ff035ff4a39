"""Forum editions, their sessions and who took part."""
