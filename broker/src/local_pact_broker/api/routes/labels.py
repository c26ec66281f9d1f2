"""Pacticipant labels: put, read and delete one, and find the pacticipants with a label.

As the official broker: a PUT answers 201 (with ``Location``) when it adds the label and 200
when the pacticipant had it; a label of an unknown pacticipant, or one it does not have, is 404.
"""

from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse

from local_pact_broker.api.dependencies import DatabaseDep, JsonBodyDep
from local_pact_broker.api.errors import not_found
from local_pact_broker.api.hal import base_url, hal, link
from local_pact_broker.api.openapi_responses import (
    BODY_REFUSED,
    NO_CONTENT,
    NOT_FOUND,
    json_body,
    ok,
    ok_or_created,
)
from local_pact_broker.api.routes.pacticipants import pacticipant_answer_body
from local_pact_broker.db import labels_repository as labels
from local_pact_broker.db.records import LabelRecord
from local_pact_broker.domain import urls
from local_pact_broker.domain.timestamps import display
from local_pact_broker.services import pacticipants as writes

router = APIRouter()


def _label_body(base: str, label: LabelRecord) -> dict[str, Any]:
    """The official ``LabelDecorator``."""
    name = label.pacticipant
    return {
        "name": label.name,
        "createdAt": display(label.created_at),
        "updatedAt": display(label.updated_at),
        "_links": {
            "self": link(
                urls.PACTICIPANT_LABEL.url(base, name=name, label=label.name), "Label", label.name
            ),
            "pacticipant": link(urls.PACTICIPANT.url(base, name=name), "Pacticipant", name),
        },
    }


@router.get(urls.PACTICIPANT_LABEL.template, responses={**ok("Label"), **NOT_FOUND})
def get_label(name: str, label: str, request: Request, db: DatabaseDep) -> JSONResponse:
    """One label of a pacticipant."""
    with db.reading() as connection:
        found = labels.find_label(connection, name, label)
    if found is None:
        raise not_found()
    return hal(_label_body(base_url(request), found))


@router.put(
    urls.PACTICIPANT_LABEL.template,
    responses={**ok_or_created("Label"), **NOT_FOUND, **BODY_REFUSED},
    openapi_extra=json_body("AnyJson", required=False),
)
def put_label(
    name: str, label: str, request: Request, _body: JsonBodyDep, db: DatabaseDep
) -> JSONResponse:
    """Label a pacticipant (201 new, 200 when it had the label)."""
    saved, created = writes.label_pacticipant(db, name, label)
    body = _label_body(base_url(request), saved)
    answer = hal(body, 201 if created else 200)
    if created:
        answer.headers["Location"] = body["_links"]["self"]["href"]
    return answer


@router.delete(urls.PACTICIPANT_LABEL.template, status_code=204, responses=NO_CONTENT | NOT_FOUND)
def delete_label(name: str, label: str, db: DatabaseDep) -> Response:
    """Remove a label from a pacticipant; 404 when it does not have it."""
    writes.remove_label(db, name, label)
    return Response(status_code=204)


@router.get(urls.PACTICIPANTS_WITH_LABEL.template, responses=ok("Collection"))
def pacticipants_with_label(label: str, request: Request, db: DatabaseDep) -> JSONResponse:
    """The pacticipants that have the label (an empty list when none has it)."""
    base = base_url(request)
    with db.reading() as connection:
        bodies = [
            pacticipant_answer_body(base, connection, row, listed=True)
            for row in labels.pacticipants_with_label(connection, label)
        ]
    return hal(
        {
            "_embedded": {"pacticipants": bodies},
            "_links": {
                "self": {"href": urls.PACTICIPANTS_WITH_LABEL.url(base, label=label)},
                "pb:pacticipants": [
                    link(b["_links"]["self"]["href"], "Pacticipant", b["name"]) for b in bodies
                ],
            },
        }
    )
