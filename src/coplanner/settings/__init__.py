"""Django settings, split by where coplanner runs: base, dev, test, production."""
