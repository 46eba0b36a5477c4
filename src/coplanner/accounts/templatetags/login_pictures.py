"""Template tags that draw the picture login's avatars and pictures as SVG."""

from django import template
from django.utils.safestring import SafeString, mark_safe

from coplanner.accounts.pictures import SPEAKER, avatar_svg, build_svg, picture_svg

register = template.Library()


@register.simple_tag
def avatar(animal: str, colour: str, label: str = "") -> SafeString:
    """Draw a student's avatar; the SVG is built from fixed shapes only."""
    return mark_safe(avatar_svg(str(animal), str(colour), str(label)))  # noqa: S308


@register.simple_tag
def picture(name: str, label: str = "") -> SafeString:
    """Draw a password picture; the SVG is built from fixed shapes only."""
    return mark_safe(picture_svg(str(name), str(label)))  # noqa: S308


@register.simple_tag
def speaker() -> SafeString:
    """Draw the speaker of a read-aloud button (decoration beside its words)."""
    return mark_safe(build_svg(SPEAKER))  # noqa: S308
