"""How the product compares people's names when looking for someone already recorded (a MARAC
person, a DHR victim notified twice): accents, case, apostrophes and spacing do not count
("Zoë O'Brien" is "zoe obrien"); hyphens and other punctuation separate words ("Smith-Jones" is
"smith jones"). One rule for every app."""

import re
import unicodedata

_REMOVED = re.compile(r"['’‘`]")
_SEPARATORS = re.compile(r"[\W_]+")


def normalise_name(name: str) -> str:
    decomposed = unicodedata.normalize("NFKD", name or "")
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    return " ".join(_SEPARATORS.sub(" ", _REMOVED.sub("", plain)).split())
