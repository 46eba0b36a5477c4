"""Read typed values out of parsed JSON, naming the field path on failure."""

import json
import math
from collections.abc import Collection, Mapping
from pathlib import Path

from coplanner.engine.planner.errors import ProblemFormatError


def shown(value: object) -> str:
    """Render a bad value for an error message, cut short when long."""
    try:
        text = json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def read_object(
    value: object,
    path: str,
    required: Collection[str] = (),
    optional: Collection[str] = (),
) -> Mapping[str, object]:
    """Return a JSON object whose keys are all known and whose required keys exist.

    An unknown key is an error too: in a versioned format it is a typo or a
    field of another version, never something to guess about.
    """
    if not isinstance(value, dict):
        raise ProblemFormatError(path, f"expected an object, got {shown(value)}")
    for key in required:
        if key not in value:
            raise ProblemFormatError(join(path, key), "missing")
    known = set(required) | set(optional)
    for key in value:
        if key not in known:
            raise ProblemFormatError(join(path, str(key)), "unknown field")
    return value


def read_mapping(value: object, path: str) -> Mapping[str, object]:
    """Return a JSON object with free keys (ids)."""
    if not isinstance(value, dict):
        raise ProblemFormatError(path, f"expected an object, got {shown(value)}")
    return value


def read_list(value: object, path: str) -> list[object]:
    """Return a JSON array."""
    if not isinstance(value, list):
        raise ProblemFormatError(path, f"expected a list, got {shown(value)}")
    return value


def read_string(value: object, path: str) -> str:
    """Return a non-empty string."""
    if not isinstance(value, str) or not value:
        raise ProblemFormatError(
            path, f"expected a non-empty string, got {shown(value)}"
        )
    return value


def read_optional_string(value: object, path: str) -> str | None:
    """Return a non-empty string or None for null."""
    return None if value is None else read_string(value, path)


def read_whole(
    value: object, path: str, minimum: int | None = None, maximum: int | None = None
) -> int:
    """Return a whole number, at least `minimum` and at most `maximum` when given."""
    if minimum is not None and maximum is not None:
        expected = f"a whole number from {minimum} to {maximum}"
    else:
        expected = "a whole number" + (f" >= {minimum}" if minimum is not None else "")
        expected += f" <= {maximum}" if maximum is not None else ""
    if isinstance(value, bool) or not isinstance(value, int):
        raise ProblemFormatError(path, f"expected {expected}, got {shown(value)}")
    if (minimum is not None and value < minimum) or (
        maximum is not None and value > maximum
    ):
        raise ProblemFormatError(path, f"expected {expected}, got {shown(value)}")
    return value


def read_number(
    value: object,
    path: str,
    minimum: float | None = None,
    maximum: float | None = None,
    above: float | None = None,
) -> float:
    """Return a finite number within the given limits."""
    limits = []
    if minimum is not None:
        limits.append(f">= {minimum:g}")
    if above is not None:
        limits.append(f"> {above:g}")
    if maximum is not None:
        limits.append(f"<= {maximum:g}")
    expected = "a number" + (" " + " and ".join(limits) if limits else "")
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ProblemFormatError(path, f"expected {expected}, got {shown(value)}")
    number = float(value)
    if (
        not math.isfinite(number)
        or (minimum is not None and number < minimum)
        or (maximum is not None and number > maximum)
        or (above is not None and number <= above)
    ):
        raise ProblemFormatError(path, f"expected {expected}, got {shown(value)}")
    return number


def read_format(data: object, expected: str) -> Mapping[str, object]:
    """Return the top-level object after checking its `format` field."""
    if not isinstance(data, dict):
        raise ProblemFormatError(
            "", f"expected a JSON object at the top level, got {shown(data)}"
        )
    if "format" not in data:
        raise ProblemFormatError("format", f'missing; expected "{expected}"')
    if data["format"] != expected:
        raise ProblemFormatError(
            "format",
            f'expected "{expected}", got {shown(data["format"])}: '
            "this file is of another kind or version",
        )
    return data


def parse_json(text: str) -> object:
    """Parse JSON text, reporting the line and column of a syntax error."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise ProblemFormatError(
            "",
            f"not valid JSON: {error.msg} at line {error.lineno} column {error.colno}",
        ) from error
    except RecursionError:
        # Lists or objects nested thousands deep: no field of the format is.
        raise ProblemFormatError(
            "", "not a file of this format: its lists or objects nest too deep"
        ) from None


def read_text_file(path: str | Path) -> str:
    """Return the text of a UTF-8 file; OSError when it cannot be opened."""
    try:
        return Path(path).read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise ProblemFormatError(
            "",
            f"not UTF-8 text (byte {error.start} cannot be read): save the file "
            "as UTF-8 JSON",
        ) from None


def join(path: str, key: str) -> str:
    """Return the path of `key` inside the object at `path`."""
    return f"{path}.{key}" if path else key


def item(path: str, index: int) -> str:
    """Return the path of list element `index` at `path`."""
    return f"{path}[{index}]"
