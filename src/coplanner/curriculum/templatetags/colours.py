"""Template filters for activity colours (see ``coplanner.curriculum.colours``)."""

from django import template

from coplanner.curriculum.colours import colour_class as _colour_class

register = template.Library()


@register.filter
def colour_class(colour: object) -> str:
    """Return the class that gives an element an activity's station colour."""
    return _colour_class(colour)
