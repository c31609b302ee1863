"""Pure planning computation: nutrients, forage, water, criteria, scoring, allocation, CLI."""
