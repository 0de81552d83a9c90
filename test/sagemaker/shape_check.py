"""Checks every SageMaker response a boto3 client receives against its output shape in botocore's model: the
required members present, enum values among the model's, timestamps sent as numbers (epoch seconds, as the
JSON 1.1 protocol has them). Registered on a client, it records what it finds in `violations`."""
import json

violations = []


def _check(shape, value, path):
    if value is None:
        return
    kind = shape.type_name
    if kind == "structure":
        if not isinstance(value, dict):
            violations.append(f"{path}: expected an object, got {value!r}")
            return
        for name in shape.required_members:
            if name not in value:
                violations.append(f"{path}.{name}: required member missing")
        for name, member in shape.members.items():
            if name in value:
                _check(member, value[name], f"{path}.{name}")
    elif kind == "list":
        if not isinstance(value, list):
            violations.append(f"{path}: expected a list")
            return
        for i, item in enumerate(value):
            _check(shape.member, item, f"{path}[{i}]")
    elif kind == "map":
        for k, v in value.items():
            _check(shape.value, v, f"{path}.{k}")
    elif kind == "timestamp":
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            violations.append(f"{path}: timestamp sent as {value!r}, not epoch seconds")
    elif kind == "string":
        enum = shape.enum
        if enum and value not in enum:
            violations.append(f"{path}: {value!r} is not one of {enum}")
        if not isinstance(value, str):
            violations.append(f"{path}: expected a string, got {value!r}")
    elif kind in ("integer", "long"):
        if not isinstance(value, int) or isinstance(value, bool):
            violations.append(f"{path}: expected an integer, got {value!r}")
    elif kind in ("float", "double"):
        if not isinstance(value, (int, float)):
            violations.append(f"{path}: expected a number, got {value!r}")
    elif kind == "boolean":
        if not isinstance(value, bool):
            violations.append(f"{path}: expected a boolean, got {value!r}")


checked = []


def watch(client):
    """Checks each successful response of `client` against its operation's output shape, from the raw body."""
    model = client.meta.service_model

    def after_call(http_response, parsed, model=None, **_):
        if http_response.status_code != 200 or model is None or model.output_shape is None:
            return
        if "json" not in http_response.headers.get("content-type", ""):
            return  # the query protocol's XML (STS) and RPC v2 CBOR (CloudWatch) are checked by botocore's parsers
        body = json.loads(http_response.content or b"{}")
        checked.append(model.name)
        _check(model.output_shape, body, model.name)

    client.meta.events.register(f"after-call.{model.service_id.hyphenize()}", after_call)
    return client
