/// `GET /openapi.json`: the endpoints gt-serve answers, their parameters, bodies and status
/// codes, with the reference's schema names (its generated client is built from them).
enum OpenAPIDocument {
    static let text = #"""
    {"openapi": "3.1.0",
     "info": {"title": "gt-serve", "version": "1",
              "description": "The glitchtip-project-alerts reconcile task API of qontract-api, served by gt's pipeline cores."},
     "components": {
      "securitySchemes": {"HTTPBearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}},
      "schemas": {
       "Secret": {"type": "object", "required": ["secret_manager_url", "path"], "properties": {
         "secret_manager_url": {"type": "string"}, "path": {"type": "string"},
         "field": {"anyOf": [{"type": "string"}, {"type": "null"}]}, "version": {"anyOf": [{"type": "integer"}, {"type": "null"}]}}},
       "GlitchtipAlertRecipient": {"type": "object", "required": ["recipient_type"], "properties": {
         "recipient_type": {"type": "string", "enum": ["email", "webhook"]}, "url": {"type": "string", "default": ""}}},
       "GlitchtipProjectAlert": {"type": "object", "required": ["name", "timespan_minutes", "quantity"], "properties": {
         "name": {"type": "string"}, "timespan_minutes": {"type": "integer"}, "quantity": {"type": "integer"},
         "recipients": {"type": "array", "items": {"$ref": "#/components/schemas/GlitchtipAlertRecipient"}}}},
       "GlitchtipProject": {"type": "object", "required": ["name"], "properties": {
         "name": {"type": "string"}, "slug": {"type": "string"},
         "alerts": {"type": "array", "items": {"$ref": "#/components/schemas/GlitchtipProjectAlert"}}}},
       "GlitchtipOrganization": {"type": "object", "required": ["name"], "properties": {
         "name": {"type": "string"}, "projects": {"type": "array", "items": {"$ref": "#/components/schemas/GlitchtipProject"}}}},
       "GlitchtipInstance": {"type": "object", "required": ["name", "console_url", "token"], "properties": {
         "name": {"type": "string"}, "console_url": {"type": "string"}, "token": {"$ref": "#/components/schemas/Secret"},
         "read_timeout": {"type": "integer", "default": 30}, "max_retries": {"type": "integer", "default": 3},
         "organizations": {"type": "array", "items": {"$ref": "#/components/schemas/GlitchtipOrganization"}}}},
       "GlitchtipProjectAlertsReconcileRequest": {"type": "object", "required": ["instances"], "properties": {
         "instances": {"type": "array", "items": {"$ref": "#/components/schemas/GlitchtipInstance"}},
         "dry_run": {"type": "boolean", "default": true}}},
       "TaskResponse": {"type": "object", "required": ["id", "status", "status_url"], "properties": {
         "id": {"type": "string"}, "status": {"type": "string", "enum": ["pending"]}, "status_url": {"type": "string"}}},
       "GlitchtipProjectAlertAction": {"type": "object",
         "required": ["action_type", "instance", "organization", "project", "alert_name"], "properties": {
         "action_type": {"type": "string", "enum": ["create", "update", "delete"]}, "instance": {"type": "string"},
         "organization": {"type": "string"}, "project": {"type": "string"}, "alert_name": {"type": "string"}}},
       "GlitchtipProjectAlertsTaskResult": {"type": "object", "required": ["status"], "properties": {
         "status": {"type": "string", "enum": ["pending", "success", "failed"]},
         "actions": {"type": "array", "items": {"$ref": "#/components/schemas/GlitchtipProjectAlertAction"}},
         "applied_actions": {"type": "array", "items": {"$ref": "#/components/schemas/GlitchtipProjectAlertAction"}},
         "applied_count": {"type": "integer"}, "errors": {"type": "array", "items": {"type": "string"}}}},
       "ValidationError": {"type": "object", "required": ["loc", "msg", "type"], "properties": {
         "loc": {"type": "array", "items": {"anyOf": [{"type": "string"}, {"type": "integer"}]}},
         "msg": {"type": "string"}, "type": {"type": "string"}}},
       "HTTPValidationError": {"type": "object", "properties": {
         "detail": {"type": "array", "items": {"$ref": "#/components/schemas/ValidationError"}}}},
       "Detail": {"type": "object", "required": ["detail"], "properties": {"detail": {"type": "string"}}}}},
     "paths": {
      "/api/v1/integrations/glitchtip-project-alerts/reconcile": {"post": {
        "operationId": "glitchtip-project-alerts", "security": [{"HTTPBearer": []}],
        "description": "Queue a reconcile task. The body may be gzip-compressed (Content-Encoding: gzip).",
        "requestBody": {"required": true, "content": {"application/json": {
          "schema": {"$ref": "#/components/schemas/GlitchtipProjectAlertsReconcileRequest"}}}},
        "responses": {
          "202": {"description": "Queued", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/TaskResponse"}}}},
          "400": {"description": "Invalid gzip body", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Detail"}}}},
          "401": {"description": "Missing, invalid, expired or revoked token",
                  "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Detail"}}}},
          "403": {"description": "The token's subject is not in gt-serve's policy, or may not reconcile an instance or apply",
                  "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Detail"}}}},
          "413": {"description": "Body over 10 MB as sent or 32 MB inflated (--max-request-mb)",
                  "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Detail"}}}},
          "415": {"description": "Content-Encoding other than gzip", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Detail"}}}},
          "422": {"description": "Validation Error",
                  "content": {"application/json": {"schema": {"$ref": "#/components/schemas/HTTPValidationError"}}}},
          "503": {"description": "Shutting down, too many tasks held, or the shared result store (GT_CACHE_URL) cannot record the task",
                  "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Detail"}}}}}}},
      "/api/v1/integrations/glitchtip-project-alerts/reconcile/{task_id}": {"get": {
        "operationId": "glitchtip-project-alerts-task-status", "security": [{"HTTPBearer": []}],
        "parameters": [
          {"name": "task_id", "in": "path", "required": true, "schema": {"type": "string"}},
          {"name": "timeout", "in": "query", "required": false,
           "description": "Wait up to this many seconds for the task to finish (1 to QAPI_API_TASK_MAX_TIMEOUT, 300 by default).",
           "schema": {"anyOf": [{"type": "integer", "minimum": 1}, {"type": "null"}]}}],
        "responses": {
          "200": {"description": "The task's result (status pending without a timeout)",
                  "content": {"application/json": {"schema": {"$ref": "#/components/schemas/GlitchtipProjectAlertsTaskResult"}}}},
          "401": {"description": "Missing, invalid, expired or revoked token",
                  "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Detail"}}}},
          "403": {"description": "The token's subject is not in gt-serve's policy",
                  "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Detail"}}}},
          "404": {"description": "Unknown task id", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Detail"}}}},
          "408": {"description": "Still pending after the timeout", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Detail"}}}},
          "422": {"description": "Validation Error",
                  "content": {"application/json": {"schema": {"$ref": "#/components/schemas/HTTPValidationError"}}}},
          "503": {"description": "The shared result store (GT_CACHE_URL) cannot be read",
                  "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Detail"}}}}}}},
      "/health": {"get": {"operationId": "health",
        "parameters": [{"name": "ready", "in": "query", "required": false,
                        "description": "1: readiness (is the cache tier usable, is a new task taken) instead of liveness",
                        "schema": {"type": "string", "enum": ["0", "1"]}}],
        "responses": {
        "200": {"description": "Serving (liveness, also while shutting down); with ready=1: ready for new tasks"},
        "503": {"description": "With ready=1: shutting down, or the cache tier (GT_CACHE_URL's server, else the cache directory) cannot be used"}}}},
      "/metrics": {"get": {"operationId": "metrics", "responses": {
        "200": {"description": "Prometheus text: tasks by status, finished tasks, task durations, GlitchTip requests",
                "content": {"text/plain": {"schema": {"type": "string"}}}}}}},
      "/openapi.json": {"get": {"operationId": "openapi", "responses": {"200": {"description": "This document"}}}}}}
    """#
}
