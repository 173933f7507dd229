//! The webhook endpoint part of the store contract (see the module above).

use time::Duration;

use crate::environment::Environment;
use crate::ids::LegalEntityId;
use crate::ports::{Direction, ListQuery, PageRequest, SortKey, Store, StoreError, WebhookSort};
use crate::tenant::Tenant;
use crate::webhook::{
    Description, EventSelector, NewWebhook, WebhookEndpoint, WebhookScope, WebhookUrl,
};

use super::super::fixtures::{self, T0};
use super::partner_with_child;

fn endpoint(tenant: &Tenant, environment: Environment, minutes: i64) -> WebhookEndpoint {
    WebhookEndpoint::create(
        tenant.id,
        environment,
        NewWebhook {
            url: WebhookUrl::parse(&format!("https://erp.example.com/hooks/{minutes}"))
                .expect("url"),
            events: EventSelector::parse(&["document.*", "legal_entity.active"]).expect("events"),
            scope: WebhookScope::LegalEntity(LegalEntityId::new()),
            description: Some(Description::parse("ERP inbox").expect("description")),
        },
        &fixtures::master_key(),
        T0 + Duration::minutes(minutes),
    )
    .endpoint
}

/// An endpoint reads back equal, secret included; it is scoped by tenant and
/// environment; updates check the version; deletes remove it.
pub async fn webhooks_round_trip_scope_update_and_delete<S: Store>(store: &S) {
    let (partner, child) = partner_with_child(store).await;
    let mut hook = endpoint(&child, Environment::Sandbox, 1);
    store.insert_webhook(&hook).await.expect("insert");
    assert_eq!(
        store
            .webhook(child.id, Environment::Sandbox, hook.id)
            .await
            .unwrap()
            .as_ref(),
        Some(&hook)
    );
    assert_eq!(
        store
            .webhook(partner.id, Environment::Sandbox, hook.id)
            .await
            .unwrap(),
        None
    );
    assert_eq!(
        store
            .webhook(child.id, Environment::Production, hook.id)
            .await
            .unwrap(),
        None
    );

    let stale = hook.clone();
    hook.enabled = false;
    hook.scope = WebhookScope::Tenant;
    hook.description = None;
    hook.events = EventSelector::parse(&["*"]).unwrap();
    hook.version += 1;
    hook.updated_at = T0 + Duration::hours(1);
    store
        .update_webhook(&hook, stale.version)
        .await
        .expect("update");
    assert_eq!(
        store
            .webhook(child.id, Environment::Sandbox, hook.id)
            .await
            .unwrap()
            .as_ref(),
        Some(&hook)
    );
    assert_eq!(
        store.update_webhook(&stale, stale.version).await,
        Err(StoreError::Conflict)
    );
    let unknown = endpoint(&child, Environment::Sandbox, 2);
    assert_eq!(
        store.update_webhook(&unknown, unknown.version).await,
        Err(StoreError::NotFound)
    );

    assert_eq!(
        store
            .delete_webhook(partner.id, Environment::Sandbox, hook.id)
            .await,
        Err(StoreError::NotFound)
    );
    store
        .delete_webhook(child.id, Environment::Sandbox, hook.id)
        .await
        .expect("delete");
    assert_eq!(
        store
            .webhook(child.id, Environment::Sandbox, hook.id)
            .await
            .unwrap(),
        None
    );
    assert_eq!(
        store
            .delete_webhook(child.id, Environment::Sandbox, hook.id)
            .await,
        Err(StoreError::NotFound)
    );
}

/// Lists hold the tenant's endpoints of one environment, paged and sorted.
pub async fn list_webhooks_pages_and_sorts<S: Store>(store: &S) {
    let (partner, child) = partner_with_child(store).await;
    let mut mine = Vec::new();
    for minutes in 0..5 {
        let hook = endpoint(&child, Environment::Sandbox, minutes);
        store.insert_webhook(&hook).await.unwrap();
        mine.push(hook.id);
    }
    store
        .insert_webhook(&endpoint(&child, Environment::Production, 9))
        .await
        .unwrap();
    store
        .insert_webhook(&endpoint(&partner, Environment::Sandbox, 9))
        .await
        .unwrap();
    let page = store
        .list_webhooks(
            child.id,
            Environment::Sandbox,
            &ListQuery {
                page: PageRequest::new(2, 2).unwrap(),
                sort: vec![SortKey {
                    field: WebhookSort::CreatedAt,
                    direction: Direction::Descending,
                }],
                filter: (),
            },
        )
        .await
        .unwrap();
    assert_eq!(page.total, 5);
    assert_eq!(
        page.items.iter().map(|hook| hook.id).collect::<Vec<_>>(),
        [mine[2], mine[1]]
    );
}
