"""Templates: one autoescaping Jinja2 environment, and the page response with safe headers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jinja2
from starlette.requests import Request
from starlette.responses import HTMLResponse

from footfall import __version__
from footfall.auth import sessions
from footfall.web import formatting
from footfall.web.security import PAGE_HEADERS, secret

TEMPLATES = Path(__file__).parent / "templates"
STATIC = Path(__file__).parent / "static"

environment = jinja2.Environment(
    loader=jinja2.FileSystemLoader(TEMPLATES),
    autoescape=True,  # every value is escaped unless a template says otherwise
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
environment.filters.update(formatting.FILTERS)
environment.globals["version"] = __version__


async def render(request: Request, template: str, context: dict[str, Any] | None = None,
                 *, status_code: int = 200) -> HTMLResponse:
    """Render `template` with the page basics (user, CSRF token, version) added."""
    session = getattr(request.state, "session", None)
    base: dict[str, Any] = {"request": request, "user": session.user if session else None,
                            # pages behind viewer_required: a user's, or public reports
                            "viewer": hasattr(request.state, "session"),
                            "csrf_token": "", "path": request.url.path,
                            "here": request.url.path + (f"?{request.url.query}" if request.url.query else "")}
    if session is not None:
        base["csrf_token"] = sessions.csrf_token(await secret(request), session.token)
    html = environment.get_template(template).render({**base, **(context or {})})
    return HTMLResponse(html, status_code=status_code, headers=PAGE_HEADERS)
