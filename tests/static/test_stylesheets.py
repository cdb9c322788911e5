"""The style sheets mirror on right-to-left pages."""

import re

from django.conf import settings


def test_style_sheets_use_logical_directions_only():
    """Physical left/right would not mirror on Arabic pages; start/end do."""
    physical = re.compile(
        r"(?:margin|padding|border|inset)-(?:left|right)\b"
        r"|(?<![-\w])(?:left|right)\s*:"
        r"|(?:text-align|float|clear)\s*:\s*(?:left|right)\b"
    )
    css = settings.BASE_DIR / "static" / "css"
    problems = []
    for path in sorted(css.rglob("*.css")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if physical.search(line.split("/*")[0]):
                problems.append(f"{path.relative_to(css)}:{number}: {line.strip()}")

    assert not problems, "\n".join(problems)
