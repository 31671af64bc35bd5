"""Name normalisation for search and deduplication: case-, accent- and spacing-insensitive."""

import re
import unicodedata

_NOT_LETTER = re.compile(r"[^a-z0-9 ]+")
_SPACES = re.compile(r"\s+")


def normalize_name(name: str) -> str:
    """ "  Siti  Nurhaliza " → "siti nurhaliza"; "Ëlis Núrhayati" → "elis nurhayati"; "H. Ujang" → "h ujang"."""
    text = unicodedata.normalize("NFKD", name or "")
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    text = _NOT_LETTER.sub(" ", text)
    return _SPACES.sub(" ", text).strip()
