"""Mock-only routes that build the world: reset to a scenario, list and create accounts, list scenarios."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify

from mock_backend import scenarios
from mock_backend.api.support import backend, body, ok, state
from mock_backend.domain import messages
from mock_backend.domain.errors import InvalidInput
from mock_backend.domain.models import SIGN_IN_STEPS
from mock_backend.wire import inputs, mock, php

bp = Blueprint("world", __name__)


@bp.get("/_mock/scenarios")
def list_scenarios() -> Response:
    """The built-in scenarios with what each says of itself."""
    return ok(mock.scenarios([scenarios.load(name) for name in scenarios.names()]))


@bp.post("/_mock/reset")
def reset() -> Response:
    """Throw the whole world away and build a scenario: a built-in's name or an inline declaration.

    The scenario is read and checked before anything is removed, so a bad one changes nothing. Planned faults
    are cleared too; quirks and settings stay as the server was started.
    """
    data = body()
    wanted = data.get("scenario", state().settings.scenario)
    try:
        if isinstance(wanted, str):
            if wanted not in scenarios.names():
                # Names only: a path would let a caller make the server read any local file.
                raise scenarios.ScenarioError(
                    f"no built-in scenario {wanted!r}; built in: {', '.join(scenarios.names())} "
                    "(or send the declaration itself as an object)"
                )
            scenario = scenarios.load(wanted)
        else:
            scenario = scenarios.parse(wanted, "scenario")
        # Planned (every name rendered and checked) before the old world goes: a bad scenario changes nothing.
        made, removed = state().rebuild_world(scenario, None)
    except scenarios.ScenarioError as exc:
        raise InvalidInput(messages.SCENARIO, str(exc)) from exc
    state().faults.clear()
    return ok(mock.reset(scenario, made, removed))


@bp.get("/_mock/accounts")
def list_accounts() -> Response:
    """Every account with its archives and roles."""
    listed = backend().accounts()
    return ok(mock.accounts([(a, backend().get_all_archives(a)) for a in listed]))


@bp.post("/_mock/accounts")
def create_account() -> Response:
    """Create an account that can log in (and its first archive), and answer a bearer token for it."""
    data = body()
    for required in ("email", "password"):
        if data.get(required) is None:
            raise InvalidInput(messages.VALIDATION_EMPTY, f"{required} is required")
    email = inputs.text(data["email"], "email")
    archive_name = inputs.optional_text(data, "archiveName")
    sign_in = inputs.optional_text(data, "signIn")
    if sign_in is not None and sign_in not in SIGN_IN_STEPS:
        # Checked before anything is made, so a refused request creates no account.
        raise InvalidInput(messages.INVALID_REQUEST, f"signIn: one of {', '.join(SIGN_IN_STEPS)} or null")
    account, archive = backend().register_account(
        email=email,
        password=inputs.text(data["password"], "password"),
        full_name=inputs.optional_text(data, "fullName") or email.split("@")[0],
        allow_sftp_deletion=bool(inputs.optional_bool(data, "allowSftpDeletion")),
        archive_name=f"{email.split('@')[0]}'s Archive" if archive_name is None else archive_name or None,
    )
    if sign_in is not None:
        backend().web.set_step(account.id, sign_in)
    answer = jsonify(
        {
            "account": php.account_vo(account),
            "archive": php.archive_vo(archive) if archive else None,
            "token": backend().mint_token(account.email),
        }
    )
    answer.status_code = 201
    return answer
