"""Input parsing: bytes in, validated domain objects or InputError out."""
