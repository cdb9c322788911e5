"""Text that becomes a link: absolute http(s) addresses only, checked and rendered.

Every field a page turns into an `href` (sources, a partner's website) holds an
absolute http:// or https:// address with a host, and nothing else: no
`javascript:` or `data:` address, no scheme-relative `//host`, no relative
path, no markup or control characters. The model fields carry the validators,
so the admin, the loader and `full_clean()` in the shell all refuse the same
values; the template filters check again when rendering (`is_http_url`), so a
row written before the check existed is shown as text, never as a live link.
"""

import unicodedata
from urllib.parse import urlsplit

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

SCHEMES = ["http", "https"]
# Characters no address needs and markup does: refused, even percent-encodable.
MARKUP = set("<>\"'`\\{}|^")

_url_validator = URLValidator(schemes=SCHEMES)


def link_problem(value):
    """Why `value` is not an absolute http(s) address, or "" if it is one."""
    if any(unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp") for c in value):
        return _("It contains a control character.")
    if value != value.strip() or any(c.isspace() for c in value):
        return _("It contains a space.")
    if MARKUP & set(value):
        return _('It contains a character addresses never hold, such as < > or ".')
    scheme = urlsplit(value).scheme.lower() if ":" in value else ""
    if scheme not in SCHEMES or not value.lower().startswith(f"{scheme}://"):
        return _("Only absolute addresses starting with http:// or https:// are links.")
    try:
        _url_validator(value)
    except ValidationError:
        return _("It is not a complete web address with a host name.")
    return ""


def is_http_url(value):
    """Whether `value` may be rendered as a link (see the module docstring)."""
    return isinstance(value, str) and bool(value) and not link_problem(value)


@deconstructible
class HttpURLValidator:
    """Accepts only an absolute http(s) address with a host (see `link_problem`)."""

    code = "invalid_link"

    def __call__(self, value):
        problem = link_problem(str(value))
        if problem:
            raise ValidationError(
                _("Enter an absolute web address (http:// or https://). %(problem)s"),
                code=self.code,
                params={"problem": problem},
            )

    def __eq__(self, other):
        return isinstance(other, HttpURLValidator)


@deconstructible
class HttpURLListValidator:
    """One absolute http(s) address per line; blank lines are ignored."""

    code = "invalid_link"

    def __call__(self, value):
        for number, line in enumerate(str(value).splitlines(), start=1):
            line = line.strip()
            if not line:
                continue
            problem = link_problem(line)
            if problem:
                raise ValidationError(
                    _(
                        "Line %(number)s is not an absolute web address "
                        "(http:// or https://). %(problem)s"
                    ),
                    code=self.code,
                    params={"number": number, "problem": problem},
                )

    def __eq__(self, other):
        return isinstance(other, HttpURLListValidator)


validate_http_url = HttpURLValidator()
validate_http_url_lines = HttpURLListValidator()


class HttpURLFormField(forms.URLField):
    """The admin's URL field: an address typed without a scheme gets https://, as
    before, but a scheme-relative "//host" is refused rather than guessed at."""

    default_validators = [validate_http_url]

    def to_python(self, value):
        if isinstance(value, str) and value.strip().startswith(("//", "\\\\")):
            raise ValidationError(
                _("Enter an absolute web address (http:// or https://)."),
                code="invalid_link",
            )
        return super().to_python(value)
