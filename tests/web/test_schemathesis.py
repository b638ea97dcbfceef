"""Schemathesis against the published OpenAPI: whatever the generated request, no server error.

Kept quick for CI (a few examples per operation); `HYPOTHESIS_PROFILE=long` searches much longer.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from qualify.ranking.synth import synthesize_season
from qualify.store import Store
from qualify.web.app import create_app
from qualify.web.settings import WebSettings
from qualify.web.uploads import store_season

EXAMPLES = 1000 if os.environ.get("HYPOTHESIS_PROFILE") == "long" else 12

# Schemathesis reads the schema when the module is collected: the app gets a private store right away.
_FOLDER = tempfile.TemporaryDirectory(prefix="qualify-schemathesis-")
_STORE = Store.open(f"sqlite:///{Path(_FOLDER.name) / 'store.sqlite3'}")
_APP = create_app(WebSettings(max_upload_bytes=64_000), store=_STORE)
# A stored season (number 1: the generated numbers often hit the lower bound), so that the season endpoints
# compute standings and diffs for some of the generated requests instead of answering 404 to all of them.
_SEASON = Path(_FOLDER.name) / "season"
synthesize_season("ski-mountaineering-2026", 3, _SEASON)
store_season(_APP.state.scenarios, "ski-mountaineering-2026", "schemathesis",
             {role: (f"{role}.csv", (_SEASON / f"{role}.csv").read_bytes()) for role in ("results", "calendar")})
schema = schemathesis.openapi.from_asgi("/openapi.json", _APP)
# Valid requests and invalid ones (wrong types, out-of-range ids, junk strings): none may cause a 5xx.
schema.config.generation.update(modes=list(schemathesis.GenerationMode), allow_x00=True)


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_server_error(case):
    case.call_and_validate(checks=[not_a_server_error])
