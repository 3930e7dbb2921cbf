"""Configuration: gitorch.yaml, then the user's file, then flags, as one typed Config.

`settings` holds the Config types and defaults, `loader` reads and merges the layers,
`checks` holds what each value must be, `yamlfile` parses YAML keeping each key's line
(a `source`), `yamlcache` keeps files parsed between runs, `durations` reads and writes
`90s`, `6h`, and `sizes` reads and writes `512KB`, `10MB`.
"""
