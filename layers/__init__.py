"""Region packs: manifest, loaders per layer kind, build scripts for the bundled data."""
