"""The reference client's request and response models for the glitchtip-project-alerts reconcile
API (qontract_api_client, generated from qontract-api's OpenAPI document), in pydantic v2.

Field names and types are the wire contract (README "Drop-in for qontract-api"). The answers
are parsed strictly: a field the client does not know (``extra="forbid"``), a missing one, a
``null`` where the client wants a list (``errors``) or a value outside an enum fails the parse,
as it would break the generated client. Requests keep the client's defaults.
"""
from enum import Enum
from typing import Annotated, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt, StrictStr


class _Request(BaseModel):
    model_config = ConfigDict(extra="forbid")


class _Answer(BaseModel):
    # Scalars are Strict* (no "0" for 0); enums take their values as the JSON carries them.
    model_config = ConfigDict(extra="forbid")


# -- request ------------------------------------------------------------------------------------

class RecipientType(str, Enum):
    EMAIL = "email"
    WEBHOOK = "webhook"


class Secret(_Request):
    """A secret reference: the store (``secret_manager_url``) and where the value lies in it."""
    secret_manager_url: StrictStr
    path: StrictStr
    field: StrictStr | None = None
    version: StrictInt | None = None


class GlitchtipProjectAlertRecipient(_Request):
    recipient_type: RecipientType
    url: StrictStr = ""


class GlitchtipProjectAlert(_Request):
    name: StrictStr
    timespan_minutes: StrictInt
    quantity: StrictInt
    recipients: list[GlitchtipProjectAlertRecipient] = []


class GlitchtipProject(_Request):
    name: StrictStr
    slug: StrictStr
    alerts: list[GlitchtipProjectAlert] = []


class GlitchtipOrganization(_Request):
    name: StrictStr
    projects: list[GlitchtipProject] = []


class GlitchtipInstance(_Request):
    name: StrictStr
    console_url: StrictStr
    token: Secret
    read_timeout: StrictInt = 30
    max_retries: StrictInt = 3
    organizations: list[GlitchtipOrganization] = []


class GlitchtipProjectAlertsReconcileRequest(_Request):
    instances: list[GlitchtipInstance]
    dry_run: StrictBool = True


# -- answers ------------------------------------------------------------------------------------

class TaskStatus(str, Enum):
    PENDING = "pending"
    SUCCESS = "success"
    FAILED = "failed"


class GlitchtipProjectAlertsTaskResponse(_Answer):
    """POST's 202: the task admitted."""
    id: StrictStr
    status: Literal["pending"]
    status_url: StrictStr


class _Action(_Answer):
    instance: StrictStr
    organization: StrictStr
    project: StrictStr
    alert_name: StrictStr


class GlitchtipAlertActionCreate(_Action):
    action_type: Literal["create"]


class GlitchtipAlertActionUpdate(_Action):
    action_type: Literal["update"]


class GlitchtipAlertActionDelete(_Action):
    action_type: Literal["delete"]


Action = Annotated[Union[GlitchtipAlertActionCreate, GlitchtipAlertActionUpdate, GlitchtipAlertActionDelete],
                   Field(discriminator="action_type")]


class GlitchtipProjectAlertsTaskResult(_Answer):
    """GET's 200: the task's status and what it planned and applied."""
    status: TaskStatus
    actions: list[Action]
    applied_actions: list[Action]
    applied_count: StrictInt
    # Required and a list: the generated model rejects null ("Input should be a valid list").
    errors: list[StrictStr]


class ErrorDetail(_Answer):
    """401, 403, 404, 405, 408, 413, 415, 503: ``{"detail": "…"}``."""
    detail: StrictStr


class ValidationError(_Answer):
    loc: list[StrictStr | StrictInt]
    msg: StrictStr
    type: StrictStr


class HTTPValidationError(_Answer):
    """422: FastAPI's body, one entry per field that failed, ``loc`` naming it."""
    detail: list[ValidationError]


def answer_model(method: str, path: str, status: int):
    """The model the client parses an answer to ``method path`` with, by status."""
    if status == 202 and method == "POST":
        return GlitchtipProjectAlertsTaskResponse
    if status == 200 and method == "GET" and "/reconcile/" in path:
        return GlitchtipProjectAlertsTaskResult
    if status == 422:
        return HTTPValidationError
    if status >= 400:
        return ErrorDetail
    return None
