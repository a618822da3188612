"""The API's browsable description: the OpenAPI document as a page of the portal (no script,
nothing fetched from elsewhere, the strict Content Security Policy unchanged) — each
operation with its parameters, body, answers and the permission its token needs."""

from __future__ import annotations

from flask import Blueprint, render_template
from markupsafe import Markup, escape

from observer_portal.permissions import public

bp = Blueprint("developers", __name__, url_prefix="/developers")
METHODS = ("get", "post", "put", "patch", "delete")


def _schema_name(schema: dict | None) -> str:
    """A schema as a reader names it: its component's name, a list of them, or its type."""
    if not schema:
        return ""
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[-1]
    if schema.get("type") == "array":
        return f"[{_schema_name(schema.get('items'))}]"
    kind = schema.get("type", "")
    return " | ".join(kind) if isinstance(kind, list) else str(kind)


def operations(spec: dict) -> list[dict]:
    """The document's operations, grouped by tag, in its order."""
    found = []
    for path, item in spec.get("paths", {}).items():
        for method in METHODS:
            if method not in item:
                continue
            operation = item[method]
            responses = []
            for code, answer in sorted(operation.get("responses", {}).items()):
                if "$ref" in answer:
                    answer = spec["components"]["responses"][answer["$ref"].rsplit("/", 1)[-1]]
                content = answer.get("content", {})
                kinds = ", ".join(
                    f"{media} {_schema_name(body.get('schema'))}".strip() for media, body in content.items()
                )
                responses.append({"code": code, "description": answer.get("description", ""), "content": kinds})
            body = operation.get("requestBody", {}).get("content", {})
            found.append(
                {
                    "tag": (operation.get("tags") or [""])[0],
                    "method": method.upper(),
                    "path": path,
                    "summary": operation.get("summary", ""),
                    "description": operation.get("description", ""),
                    "parameters": [
                        {
                            "name": p["name"],
                            "in": p["in"],
                            "required": p.get("required", False),
                            "type": _schema_name(p.get("schema")),
                        }
                        for p in operation.get("parameters", [])
                    ],
                    "body": ", ".join(f"{media} {_schema_name(b.get('schema'))}" for media, b in body.items()),
                    "secured": bool(operation.get("security")),
                    "responses": responses,
                }
            )
    return found


def schemas_of(spec: dict) -> list[dict]:
    return [
        {
            "name": name,
            "fields": [
                {"name": field, "type": _schema_name(definition), "description": definition.get("description", "")}
                for field, definition in schema.get("properties", {}).items()
            ],
        }
        for name, schema in sorted(spec.get("components", {}).get("schemas", {}).items())
    ]


def code_spans(text: str) -> Markup:
    """The document's `code` as <code>code</code>, the rest escaped."""
    parts = str(text).split("`")
    return Markup("").join(
        Markup("<code>{}</code>").format(part) if i % 2 else escape(part) for i, part in enumerate(parts)
    )


@bp.get("/api")
@public
def api():
    from observer_portal.api import api

    spec = api.spec.to_dict()
    return render_template(
        "api/docs.html",
        spec=spec,
        operations=operations(spec),
        schemas=schemas_of(spec),
        tags=spec.get("tags", []),
        code_spans=code_spans,
    )
