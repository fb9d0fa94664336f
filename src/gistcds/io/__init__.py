"""Input parsing: bytes in, validated domain objects or InputError out."""

__all__: list[str] = []
