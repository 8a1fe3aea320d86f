"""Agency names: content-derived keys and the normal form used for fuzzy comparison."""

from __future__ import annotations

import re
import unicodedata

_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "`": "'", "´": "'"})

# Abbreviations and spellings ICE and the FBI roster use for the same words.
_WORDS = {
    "so": "sheriffs office", "sheriff": "sheriffs", "sheriffs": "sheriffs", "dept": "department",
    "dep": "department", "pd": "police department", "co": "county", "cnty": "county", "cty": "county",
    "st": "saint", "ft": "fort", "mt": "mount", "univ": "university", "doc": "department of corrections",
    "dps": "department of public safety", "hwy": "highway", "twp": "township", "&": "and",
}
# Words that say what kind of agency it is, not which one: dropped for the roster's short names.
# "Village" and "township" stay: "Melbourne Village" and "Manheim Township" are other places than
# "Melbourne" and "Manheim".
GENERIC = {"sheriffs", "office", "department", "police", "county", "city", "of", "the", "town", "parish",
           "borough", "public", "safety"}


def ascii_fold(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


def slug(name: str) -> str:
    """Lower-case ASCII words joined by hyphens; apostrophes vanish ("Sheriff's" → "sheriffs")."""
    text = ascii_fold(name.translate(_APOSTROPHES)).lower().replace("'", "")
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")[:150]


def agency_identity(state: str, name: str) -> str:
    return f"{state}:{slug(name)}"


def normalize(name: str) -> str:
    """Words with abbreviations expanded: "Colbert Co. SO" → "colbert county sheriffs office"."""
    text = ascii_fold(name.translate(_APOSTROPHES)).lower().replace("'s", "s").replace("'", "")
    words = re.findall(r"[a-z0-9&]+", text)
    return " ".join(_WORDS.get(w, w) for w in words)


# A place's own name said with its kind of government in front: "City of Zephyrhills Police Department".
_LEADING = re.compile(r"^(?:the |(?:city|town|village) of )+")


def spelled_alike(name: str) -> str:
    """The normal form without a leading "The", "City of", "Town of" or "Village of": two names with the same
    form differ only in spelling ("&" or "and", "PD" or "Police Department", "Dept." or "Department")."""
    return _LEADING.sub("", normalize(name))


def distinctive(name: str) -> str:
    """The normal form without generic agency words: "colbert county sheriffs office" → "colbert"."""
    words = [w for w in normalize(name).split() if w not in GENERIC]
    return " ".join(words)
