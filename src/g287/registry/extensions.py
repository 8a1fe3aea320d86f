"""Blocks other apps add to the registry's pages, without the registry importing them.

An app registers a function ``(request, agreement) -> str`` (rendered HTML, or "" for nothing) in its
``AppConfig.ready``; the agreement page shows each block's HTML after the agreement's facts, in order of
registration. The registry itself knows none of them (imports point from those apps to the registry).
"""

from __future__ import annotations

from typing import Callable

from django.utils.safestring import SafeString, mark_safe

_AGREEMENT_BLOCKS: list[Callable] = []


def register_agreement_block(render: Callable) -> Callable:
    if render not in _AGREEMENT_BLOCKS:
        _AGREEMENT_BLOCKS.append(render)
    return render


def agreement_blocks(request, agreement) -> list[SafeString]:
    return [mark_safe(html) for html in (render(request, agreement) for render in _AGREEMENT_BLOCKS) if html]
