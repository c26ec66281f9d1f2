"""The JSON Schemas of the broker's wire shapes, for its OpenAPI document's ``components``.

Written as JSON Schema (OpenAPI 3.1's dialect) rather than pydantic models: the routes read
raw JSON bodies (the official broker's clients send more than any model would allow), so
these describe what the routes accept and answer; nothing parses with them. Request schemas
say what a valid request is (a fuzzer's valid cases); error schemas are the official broker's
shapes built in ``api/errors.py``, ``api/request_body.py`` and ``api/auth.py``.
"""

from typing import Any

from local_pact_broker.domain.limits import MAX_NAME_LENGTH, MAX_TAGS_PER_VERSION

Schema = dict[str, Any]


def ref(name: str) -> Schema:
    """A reference to one of :data:`COMPONENT_SCHEMAS`."""
    return {"$ref": f"#/components/schemas/{name}"}


_NAME: Schema = {
    "type": "string",
    "minLength": 1,
    "maxLength": MAX_NAME_LENGTH,
    "pattern": r"\S",
}
_PACTICIPANT_NAME: Schema = {**_NAME, "pattern": r"^[^/]*\S[^/]*$"}
_STRING_LIST: Schema = {"type": "array", "items": {"type": "string"}}

_LINK: Schema = {
    "type": "object",
    "required": ["href"],
    "properties": {
        "href": {"type": "string"},
        "name": {"type": "string"},
        "title": {"type": "string"},
        "templated": {"type": "boolean"},
    },
}

_HAL_RESOURCE: Schema = {
    "description": "A HAL resource: its own fields, ``_links`` and ``_embedded`` resources.",
    "type": "object",
    "properties": {
        "_links": {
            "type": "object",
            "additionalProperties": {
                "anyOf": [ref("Link"), {"type": "array", "items": ref("Link")}]
            },
        },
        "_embedded": {"type": "object"},
    },
}


def _resource(required: list[str], properties: Schema) -> Schema:
    """A HAL resource that always carries ``required`` with these ``properties``."""
    return {
        "allOf": [
            ref("HalResource"),
            {"type": "object", "required": required, "properties": properties},
        ]
    }


_EMBEDDED_COLLECTION = {
    "type": "object",
    "additionalProperties": {"type": "array", "items": ref("HalResource")},
}

RESPONSE_SCHEMAS: dict[str, Schema] = {
    "Link": _LINK,
    "HalResource": _HAL_RESOURCE,
    "Index": _resource(["_links"], {}),
    "Heartbeat": _resource(["ok"], {"ok": {"type": "boolean"}}),
    "Collection": _resource(["_links"], {"_embedded": _EMBEDDED_COLLECTION}),
    "Pacticipant": _resource(
        ["name", "displayName", "createdAt", "_links"],
        {
            "name": {"type": "string"},
            "displayName": {"type": "string"},
            "mainBranch": {"type": "string"},
            "repositoryUrl": {"type": "string"},
            "createdAt": {"type": "string"},
            "updatedAt": {"type": "string"},
        },
    ),
    "Version": _resource(
        ["number", "createdAt", "_links"],
        {
            "number": {"type": "string"},
            "buildUrl": {"type": "string"},
            "createdAt": {"type": "string"},
        },
    ),
    "Tag": _resource(["name", "_links"], {"name": {"type": "string"}}),
    "Label": _resource(
        ["name", "createdAt", "_links"],
        {
            "name": {"type": "string"},
            "createdAt": {"type": "string"},
            "updatedAt": {"type": "string"},
        },
    ),
    "Branch": _resource(["name", "createdAt", "_links"], {"name": {"type": "string"}}),
    "BranchVersion": _resource(["createdAt", "_links"], {"createdAt": {"type": "string"}}),
    "Pact": _resource(
        ["consumer", "provider", "createdAt", "_links"],
        {
            "consumer": {"type": "object", "required": ["name"]},
            "provider": {"type": "object", "required": ["name"]},
            "createdAt": {"type": "string"},
        },
    ),
    "PublishResult": _resource(
        ["notices", "logs", "_embedded", "_links"],
        {
            "notices": {"type": "array", "items": ref("Notice")},
            "logs": {"type": "array", "items": {"type": "object"}},
        },
    ),
    "Notice": {
        "type": "object",
        "required": ["type", "text"],
        "properties": {"type": {"type": "string"}, "text": {"type": "string"}},
    },
    "PactsForVerification": _resource(
        ["_embedded", "_links"],
        {
            "_embedded": {
                "type": "object",
                "required": ["pacts"],
                "properties": {"pacts": {"type": "array", "items": ref("HalResource")}},
            }
        },
    ),
    "VerificationResult": _resource(
        ["providerName", "providerApplicationVersion", "success", "verificationDate", "_links"],
        {
            "providerName": {"type": "string"},
            "providerApplicationVersion": {"type": "string"},
            "success": {"type": "boolean"},
            "verificationDate": {"type": "string"},
        },
    ),
    "ConsumerVersionVerificationResults": _resource(
        ["success", "providerSummary", "_links"],
        {"success": {"type": "boolean"}, "providerSummary": {"type": "object"}},
    ),
    "Metrics": {
        "description": "Counts of what the broker holds, each as ``{count}``.",
        "type": "object",
        "additionalProperties": {
            "type": "object",
            "required": ["count"],
            "properties": {"count": {"type": "integer", "minimum": 0}},
        },
    },
    "Webhook": _resource(
        ["uuid", "description", "enabled", "events", "request", "createdAt", "_links"],
        {
            "uuid": {"type": "string"},
            "description": {"type": "string"},
            "enabled": {"type": "boolean"},
            "events": {"type": "array", "items": {"type": "object", "required": ["name"]}},
            "request": {"type": "object", "required": ["method", "url"]},
        },
    ),
    "WebhookExecution": _resource(
        ["request", "logs", "success", "_links"],
        {
            "success": {"type": "boolean"},
            "logs": {"type": "string"},
            "request": {"type": "object"},
            "response": {"type": "object"},
            "error": {"type": "object", "required": ["message"]},
        },
    ),
    "WebhooksStatus": _resource(
        ["summary", "_embedded", "_links"],
        {
            "summary": {
                "type": "object",
                "required": ["successful", "failed", "retrying", "notRun"],
                "additionalProperties": {"type": "integer", "minimum": 0},
            }
        },
    ),
    "Environment": _resource(
        ["uuid", "name", "displayName", "production", "createdAt", "_links"],
        {
            "uuid": {"type": "string"},
            "name": {"type": "string"},
            "displayName": {"type": "string"},
            "production": {"type": "boolean"},
            "createdAt": {"type": "string"},
        },
    ),
    "DeployedVersion": _resource(
        ["uuid", "currentlyDeployed", "createdAt", "_embedded", "_links"],
        {
            "uuid": {"type": "string"},
            "currentlyDeployed": {"type": "boolean"},
            "applicationInstance": {"type": "string"},
            "undeployedAt": {"type": "string"},
        },
    ),
    "ReleasedVersion": _resource(
        ["uuid", "currentlySupported", "createdAt", "_embedded", "_links"],
        {
            "uuid": {"type": "string"},
            "currentlySupported": {"type": "boolean"},
            "supportEndedAt": {"type": "string"},
        },
    ),
    "ProviderStates": {
        "type": "object",
        "required": ["providerStates"],
        "properties": {
            "providerStates": {
                "type": "array",
                "items": {"type": "object", "required": ["name"], "properties": {"name": {}}},
            }
        },
    },
    "Matrix": {
        "type": "object",
        "required": ["summary", "notices", "matrix"],
        "properties": {
            "summary": {
                "type": "object",
                "required": ["deployable", "reason", "success", "failed", "unknown"],
                "properties": {
                    "deployable": {"type": ["boolean", "null"]},
                    "reason": {"type": "string"},
                    "success": {"type": "integer", "minimum": 0},
                    "failed": {"type": "integer", "minimum": 0},
                    "unknown": {"type": "integer", "minimum": 0},
                    "ignored": {"type": "integer", "minimum": 0},
                },
            },
            "notices": {"type": "array", "items": ref("Notice")},
            "matrix": {"type": "array", "items": {"type": "object"}},
        },
    },
}

ERROR_SCHEMAS: dict[str, Schema] = {
    "ErrorMessage": {
        "description": "One message: not found, refused body, wrong credentials...",
        "type": "object",
        "required": ["error"],
        "properties": {"error": {"type": "string"}},
    },
    "ValidationErrors": {
        "description": "What is wrong with the request: per field, or a list of messages.",
        "type": "object",
        "required": ["errors"],
        "properties": {
            "errors": {
                "anyOf": [
                    {"type": "object", "additionalProperties": _STRING_LIST},
                    _STRING_LIST,
                ]
            }
        },
    },
    "PublishConflict": {
        "description": "A pact whose content differs from the one already published.",
        "type": "object",
        "required": ["errors", "notices"],
        "properties": {
            "errors": {
                "type": "object",
                "required": ["contracts"],
                "properties": {"contracts": _STRING_LIST},
            },
            "notices": {"type": "array", "items": ref("Notice")},
        },
    },
}

_CONTRACT: Schema = {
    "type": "object",
    "required": ["consumerName", "providerName", "specification", "contentType", "content"],
    "properties": {
        "consumerName": _PACTICIPANT_NAME,
        "providerName": _PACTICIPANT_NAME,
        "specification": {"const": "pact"},
        "contentType": {"const": "application/json"},
        "content": {
            "description": "The pact JSON, base64-encoded.",
            "type": "string",
            "contentEncoding": "base64",
            "contentMediaType": "application/json",
        },
    },
}

_PACTICIPANT_REF: Schema = {
    "type": "object",
    "required": ["name"],
    "properties": {"name": _PACTICIPANT_NAME},
}

REQUEST_SCHEMAS: dict[str, Schema] = {
    "PublishContractsRequest": {
        "type": "object",
        "required": ["pacticipantName", "pacticipantVersionNumber", "contracts"],
        "properties": {
            "pacticipantName": _PACTICIPANT_NAME,
            "pacticipantVersionNumber": _NAME,
            "branch": _NAME,
            "tags": {"type": "array", "items": _NAME, "maxItems": MAX_TAGS_PER_VERSION},
            "buildUrl": {"type": "string"},
            "contracts": {"type": "array", "items": _CONTRACT, "minItems": 1},
        },
    },
    "PactRequest": {
        "description": "A pact file; consumer and provider names must match those in the URL.",
        "type": "object",
        "required": ["consumer", "provider"],
        "properties": {
            "consumer": _PACTICIPANT_REF,
            "provider": _PACTICIPANT_REF,
            "interactions": {"type": "array", "items": {"type": "object"}},
            "messages": {"type": "array", "items": {"type": "object"}},
            "metadata": {"type": "object"},
        },
    },
    "PacticipantRequest": {
        "type": "object",
        "required": ["name"],
        "properties": {
            "name": _PACTICIPANT_NAME,
            "displayName": {"type": "string"},
            "mainBranch": _NAME,
            "repositoryUrl": {"type": "string"},
        },
    },
    "PacticipantUpdate": {
        "type": "object",
        "properties": {
            "name": _PACTICIPANT_NAME,
            "displayName": {"type": "string"},
            "mainBranch": _NAME,
            "repositoryUrl": {"type": "string"},
        },
    },
    "VersionRequest": {
        "type": "object",
        "properties": {
            "branch": _NAME,
            "buildUrl": {"type": "string"},
            "tags": {
                "type": "array",
                "maxItems": MAX_TAGS_PER_VERSION,
                "items": {"type": "object", "required": ["name"], "properties": {"name": _NAME}},
            },
        },
    },
    "PactsForVerificationRequest": {
        "type": "object",
        "properties": {
            "providerVersionBranch": {"type": "string"},
            "providerVersionTags": {"type": "array", "items": {"type": "string"}},
            "consumerVersionSelectors": {"type": "array", "items": {"type": "object"}},
            "includePendingStatus": {"type": "boolean"},
            "includeWipPactsSince": {"type": "string"},
        },
    },
    "VerificationResultRequest": {
        "type": "object",
        "required": ["success", "providerApplicationVersion"],
        "properties": {
            "success": {"type": "boolean"},
            "providerApplicationVersion": _NAME,
            "providerVersionBranch": _NAME,
            "providerVersionTags": {
                "type": "array",
                "items": _NAME,
                "maxItems": MAX_TAGS_PER_VERSION,
            },
            "buildUrl": {"type": "string"},
            "testResults": {"type": ["array", "object"]},
            "verifiedBy": {"type": "object"},
        },
    },
    "WebhookRequest": {
        "type": "object",
        "required": ["events", "request"],
        "properties": {
            "description": {"type": "string"},
            "enabled": {"type": "boolean"},
            "consumer": _PACTICIPANT_REF,
            "provider": _PACTICIPANT_REF,
            "events": {
                "type": "array",
                "minItems": 1,
                "items": {
                    "type": "object",
                    "required": ["name"],
                    "properties": {
                        "name": {
                            "enum": [
                                "contract_published",
                                "contract_content_changed",
                                "contract_requiring_verification_published",
                                "provider_verification_published",
                                "provider_verification_succeeded",
                                "provider_verification_failed",
                            ]
                        }
                    },
                },
            },
            "request": {
                "type": "object",
                "required": ["method", "url"],
                "properties": {
                    "method": {"type": "string", "minLength": 1},
                    "url": {"type": "string", "minLength": 1},
                    "headers": {"type": "object", "additionalProperties": {"type": "string"}},
                    "body": {},
                    "username": {"type": "string"},
                    "password": {"type": "string"},
                },
            },
        },
    },
    "EnvironmentRequest": {
        "type": "object",
        "required": ["name"],
        "properties": {
            "name": {**_NAME, "pattern": r"^\S+$"},
            "displayName": {"type": "string"},
            "production": {"type": "boolean"},
            "contacts": {"type": "array", "items": {"type": "object"}},
        },
    },
    "DeploymentRequest": {
        "type": "object",
        "properties": {"applicationInstance": {**_NAME, "pattern": r"^.*$"}},
    },
    "DeployedVersionUpdate": {
        "type": "object",
        "properties": {"currentlyDeployed": {"type": "boolean"}},
    },
    "ReleasedVersionUpdate": {
        "type": "object",
        "properties": {"currentlySupported": {"type": "boolean"}},
    },
    "AnyJson": {"description": "Any JSON value; the broker does not read it."},
}

COMPONENT_SCHEMAS: dict[str, Schema] = dict(
    sorted({**RESPONSE_SCHEMAS, **ERROR_SCHEMAS, **REQUEST_SCHEMAS}.items())
)
"""Every schema the document's operations refer to, by name."""
