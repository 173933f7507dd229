//! `/api/v1/events`: the ordered feed of domain events the caller may see.

use axum::Json;
use axum::extract::{OriginalUri, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use einvoice_domain::event::StoredEvent;
use einvoice_domain::service::EventService;

use super::rfc3339;
use crate::AppState;
use crate::error::ApiError;
use crate::extract::Tenancy;
use crate::query::{RawQuery, parameter_problem};

/// The default page of the feed.
const DEFAULT_LIMIT: u32 = 100;

fn event_resource(event: &StoredEvent) -> serde_json::Value {
    let record = &event.record;
    serde_json::json!({
        "type": "events",
        "id": record.id.to_string(),
        "attributes": {
            "sequence": event.sequence.to_string(),
            "eventType": record.event_type,
            "occurredAt": rfc3339(record.occurred_at),
            "tenantId": record.tenant_id.to_string(),
            "environment": record.environment.map(einvoice_domain::environment::Environment::as_str),
            "subject": { "type": record.subject.kind(), "id": record.subject.id() },
            "data": record.data,
        }
    })
}

/// `GET /api/v1/events?after=<cursor>&limit=<n>`: events in commit order after the
/// cursor (the `sequence` of the last event read; absent or `0` for the beginning).
/// `links.next` carries the cursor of the page's last event; an empty page keeps the
/// cursor, so polling it again finds what was committed since.
pub async fn feed(
    State(state): State<AppState>,
    Tenancy(acting): Tenancy,
    OriginalUri(uri): OriginalUri,
) -> Result<Response, ApiError> {
    let raw = RawQuery::from_uri(&uri)?;
    let mut after = 0_u64;
    let mut limit = DEFAULT_LIMIT;
    let mut problems = Vec::new();
    for (key, value) in &raw.0 {
        match key.as_str() {
            "after" => match value.parse::<u64>() {
                Ok(cursor) => after = cursor,
                Err(_) => problems.push(parameter_problem(
                    "after",
                    "invalid_parameter",
                    "after must be the sequence of an event (a whole number)",
                )),
            },
            "limit" => match value.parse::<u32>() {
                Ok(n) if (1..=EventService::MAX_LIMIT).contains(&n) => limit = n,
                _ => problems.push(parameter_problem(
                    "limit",
                    "invalid_parameter",
                    format!(
                        "limit must be a whole number from 1 to {}",
                        EventService::MAX_LIMIT
                    ),
                )),
            },
            other => problems.push(parameter_problem(
                other,
                "unknown_parameter",
                format!("unknown query parameter `{other}`"),
            )),
        }
    }
    if !problems.is_empty() {
        return Err(ApiError::many(StatusCode::BAD_REQUEST, problems));
    }
    let events = state.events.feed(&acting, after, limit).await?;
    let cursor = events.last().map_or(after, |event| event.sequence);
    let data: Vec<serde_json::Value> = events.iter().map(event_resource).collect();
    let link = |cursor: u64| {
        format!(
            "{}/api/v1/events?after={cursor}&limit={limit}",
            state.base_url
        )
    };
    Ok(Json(serde_json::json!({
        "data": data,
        "links": { "self": link(after), "next": link(cursor) },
        "meta": { "cursor": cursor.to_string(), "count": data.len() },
    }))
    .into_response())
}
