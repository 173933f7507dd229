//! The scale benchmark of the PostgreSQL document store (docs/BENCHMARKS.md, "Document
//! store at scale"): 1,000,000 documents across 10,000 tenants, list and status reads
//! measured at the store layer, and intake throughput. Not a criterion benchmark: it
//! needs a database (`EINVOICE_BENCH_DATABASE_URL`) and minutes of seeding, so it does
//! nothing unless that variable is set. `scripts/bench-scale.sh` runs every step.
//!
//! ```text
//! cargo bench -p einvoice-store-postgres --bench scale -- seed [DOCUMENTS] [TENANTS]
//! cargo bench -p einvoice-store-postgres --bench scale -- migrate
//! cargo bench -p einvoice-store-postgres --bench scale -- check
//! cargo bench -p einvoice-store-postgres --bench scale -- reads [SAMPLES]
//! cargo bench -p einvoice-store-postgres --bench scale -- intake CONNECTIONS SECONDS
//! ```

use std::collections::HashMap;
use std::fmt::Write as _;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

use einvoice_domain::document::model::DocumentKind;
use einvoice_domain::environment::Environment;
use einvoice_domain::event::EventRecord;
use einvoice_domain::ids::{DocumentId, LegalEntityId, ProcessId, TenantId};
use einvoice_domain::job::{JobPayload, NewJob, Probe, ProbeCounter};
use einvoice_domain::participant::ParticipantId;
use einvoice_domain::ports::{
    Direction, DocumentFilter, DocumentQuery, DocumentSort, DocumentStore, LegalEntityStore,
    PageRequest, SortKey, TenantStore,
};
use einvoice_domain::rendition::{
    DocumentStatusName, DocumentTrigger, Flow, Format, NewRendition, Rendition, RenditionFacts,
    Target,
};
use einvoice_store_postgres::PgStore;
use rand::SeedableRng as _;
use rand::rngs::StdRng;
use rand::seq::IndexedRandom as _;
use sqlx::{Connection as _, PgConnection};
use time::OffsetDateTime;
use uuid::Uuid;

const URL_VARIABLE: &str = "EINVOICE_BENCH_DATABASE_URL";

/// The rendition content: the UBL the gateway renders for seed 004's invoice (4.3 KB),
/// with its number, date and buyer reference replaced per document.
const TEMPLATE: &str = include_str!("../../render-ubl/tests/fixtures/seed-004-invoice.xml");
const SEED: &str = include_str!("scale-seed.sql");
const SEED_DOCUMENTS: &str = include_str!("scale-seed-documents.sql");

/// How long one query is measured at most (once it has 100 calls): deep pages of the
/// big tenant are slow enough to make a full run last many minutes.
const CASE_BUDGET: Duration = Duration::from_secs(30);

/// Documents inserted per statement while seeding (a multiple of 20: see the script).
const BATCH: u64 = 100_000;

type BenchResult<T = ()> = Result<T, Box<dyn std::error::Error + Send + Sync>>;

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|arg| !arg.starts_with("--"))
        .collect();
    let Ok(url) = std::env::var(URL_VARIABLE) else {
        println!(
            "scale benchmark skipped: set {URL_VARIABLE}=postgres://... (see scripts/bench-scale.sh)"
        );
        return ExitCode::SUCCESS;
    };
    let number = |index: usize, default: u64| -> BenchResult<u64> {
        args.get(index)
            .map_or(Ok(default), |text| text.parse().map_err(Into::into))
    };
    let result = match args.first().map(String::as_str) {
        Some("seed") => match (number(1, 1_000_000), number(2, 10_000)) {
            (Ok(documents), Ok(tenants)) => seed(&url, documents, tenants).await,
            (Err(error), _) | (_, Err(error)) => Err(error),
        },
        Some("migrate") => migrate(&url).await,
        Some("check") => check(&url).await,
        Some("reads") => match number(1, 1_000) {
            Ok(samples) => reads(&url, usize::try_from(samples).unwrap_or(usize::MAX)).await,
            Err(error) => Err(error),
        },
        Some("intake") => match (number(1, 2), number(2, 20)) {
            (Ok(connections), Ok(seconds)) => {
                intake(&url, usize::try_from(connections).unwrap_or(1), seconds).await
            }
            (Err(error), _) | (_, Err(error)) => Err(error),
        },
        _ => {
            println!(
                "usage: scale seed [DOCUMENTS] [TENANTS] | migrate | check | reads [SAMPLES] | intake CONNECTIONS SECONDS"
            );
            return ExitCode::SUCCESS;
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("scale benchmark failed: {error}");
            ExitCode::FAILURE
        }
    }
}

/// Migrates through `PgStore`, then seeds tenants, legal entities and documents with
/// server-side `INSERT ... SELECT` (the documents' secondary indexes are dropped for
/// the load and rebuilt from their own definitions), then VACUUM ANALYZE.
async fn seed(url: &str, documents: u64, tenants: u64) -> BenchResult {
    if tenants < 4 || !documents.is_multiple_of(20) {
        return Err("seed needs at least 4 tenants and a multiple of 20 documents".into());
    }
    let started = Instant::now();
    let store = PgStore::connect(url).await?;
    store.migrate().await?;
    store.close().await;
    let mut connection = PgConnection::connect(url).await?;
    let existing: i64 = sqlx::query_scalar("SELECT count(*) FROM tenants")
        .fetch_one(&mut connection)
        .await?;
    if existing > 0 {
        return Err("the database is not empty: seed a fresh one".into());
    }
    sqlx::raw_sql(&SEED.replace("__TENANTS__", &tenants.to_string()))
        .execute(&mut connection)
        .await?;
    sqlx::query("CREATE TEMP TABLE seed_template (xml text NOT NULL)")
        .execute(&mut connection)
        .await?;
    sqlx::query("INSERT INTO seed_template (xml) VALUES ($1)")
        .bind(TEMPLATE)
        .execute(&mut connection)
        .await?;
    println!(
        "seeded {tenants} tenants and their legal entities in {:.1} s",
        started.elapsed().as_secs_f64()
    );

    let indexes: Vec<(String, String)> = sqlx::query_as(
        "SELECT indexname::text, indexdef FROM pg_indexes \
         WHERE schemaname = current_schema() AND tablename = 'documents' \
           AND indexname <> 'documents_pkey' ORDER BY indexname",
    )
    .fetch_all(&mut connection)
    .await?;
    for (name, _) in &indexes {
        sqlx::raw_sql(&format!("DROP INDEX \"{name}\""))
            .execute(&mut connection)
            .await?;
    }
    let mut from = 1;
    while from <= documents {
        let to = (from + BATCH - 1).min(documents);
        let sql = SEED_DOCUMENTS
            .replace("__FROM__", &from.to_string())
            .replace("__TO__", &to.to_string())
            .replace("__DOCUMENTS__", &documents.to_string())
            .replace("__TENANTS__", &tenants.to_string());
        sqlx::raw_sql(&sql).execute(&mut connection).await?;
        println!(
            "documents {to}/{documents} after {:.1} s",
            started.elapsed().as_secs_f64()
        );
        from = to + 1;
    }
    for (name, definition) in &indexes {
        let index_started = Instant::now();
        sqlx::raw_sql(definition).execute(&mut connection).await?;
        println!(
            "index {name} rebuilt in {:.1} s",
            index_started.elapsed().as_secs_f64()
        );
    }
    for table in ["documents", "tenants", "legal_entities"] {
        sqlx::raw_sql(&format!("VACUUM (ANALYZE) {table}"))
            .execute(&mut connection)
            .await?;
    }
    let (heap, toast, indexes, average): (i64, i64, i64, f64) = sqlx::query_as(
        "SELECT pg_relation_size('documents'), \
                coalesce(pg_total_relation_size(reltoastrelid), 0), \
                pg_indexes_size('documents'), \
                (SELECT avg(pg_column_size(content))::float8 FROM documents TABLESAMPLE SYSTEM (1)) \
         FROM pg_class WHERE oid = 'documents'::regclass",
    )
    .fetch_one(&mut connection)
    .await?;
    println!(
        "seeded {documents} documents in {:.1} s: heap {} MiB, toast {} MiB, indexes {} MiB, \
         stored content {average:.0} bytes on average ({} bytes uncompressed)",
        started.elapsed().as_secs_f64(),
        heap >> 20,
        toast >> 20,
        indexes >> 20,
        TEMPLATE.len()
    );
    Ok(())
}

/// Applies the store's migrations that are not applied yet (after a new one landed,
/// on a seeded database) and refreshes the statistics.
async fn migrate(url: &str) -> BenchResult {
    let started = Instant::now();
    let store = PgStore::connect(url).await?;
    store.migrate().await?;
    store.close().await;
    let mut connection = PgConnection::connect(url).await?;
    sqlx::raw_sql("VACUUM (ANALYZE) documents")
        .execute(&mut connection)
        .await?;
    println!("migrated in {:.1} s", started.elapsed().as_secs_f64());
    Ok(())
}

/// Reads a random sample back through `PgStore`: every seeded row must convert.
async fn check(url: &str) -> BenchResult {
    let store = PgStore::connect(url).await?;
    let mut connection = PgConnection::connect(url).await?;
    let sample: Vec<(Uuid, Uuid, String, Uuid)> = sqlx::query_as(
        "SELECT id, tenant_id, environment, legal_entity_id FROM documents \
         TABLESAMPLE SYSTEM (0.5) LIMIT 500",
    )
    .fetch_all(&mut connection)
    .await?;
    let mut statuses: HashMap<DocumentStatusName, usize> = HashMap::new();
    for (id, tenant, environment, entity) in &sample {
        let tenant = TenantId::from_uuid(*tenant);
        let environment = Environment::parse(environment)?;
        let document = store
            .document(tenant, environment, DocumentId::from_uuid(*id))
            .await?
            .ok_or("a sampled document is missing")?;
        *statuses.entry(document.status().name()).or_default() += 1;
        let content = store
            .document_content(tenant, environment, document.id)
            .await?
            .ok_or("a sampled document has no content")?;
        let text = String::from_utf8(content)?;
        if !text.contains(&document.facts.document_number) {
            return Err("a content does not carry its document number".into());
        }
        store.tenant(tenant).await?.ok_or("a tenant is missing")?;
        store
            .legal_entity(tenant, environment, LegalEntityId::from_uuid(*entity))
            .await?
            .ok_or("a legal entity is missing")?;
        let page = store
            .list_documents(tenant, environment, &DocumentQuery::first_page())
            .await?;
        if page.total == 0 {
            return Err("a tenant lists no documents".into());
        }
    }
    let pairs: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM (SELECT process_id FROM documents GROUP BY process_id \
         HAVING count(*) = 2) AS pairs",
    )
    .fetch_one(&mut connection)
    .await?;
    let mut statuses: Vec<_> = statuses.into_iter().collect();
    statuses.sort();
    println!(
        "check: {} sampled documents, their content, tenants, legal entities and first pages \
         read back through PgStore; statuses in the sample {statuses:?}; {pairs} submissions \
         have two renditions",
        sample.len()
    );
    Ok(())
}

/// One seeded document of a sampled tenant: what the queries filter on.
#[derive(Debug, Clone, sqlx::FromRow)]
struct Sample {
    tenant_id: Uuid,
    id: Uuid,
    process_id: Uuid,
    legal_entity_id: Uuid,
    created_at: OffsetDateTime,
}

/// A tenant class and the documents to draw samples from, by tenant.
#[derive(Debug)]
struct Class {
    name: String,
    tenants: Vec<(Uuid, i64)>,
    documents: HashMap<Uuid, Vec<Sample>>,
}

impl Class {
    async fn load(
        connection: &mut PgConnection,
        name: String,
        tenants: Vec<(Uuid, i64)>,
    ) -> BenchResult<Self> {
        let ids: Vec<Uuid> = tenants.iter().map(|(id, _)| *id).collect();
        let rows: Vec<Sample> = sqlx::query_as(
            "SELECT tenant_id, id, process_id, legal_entity_id, created_at FROM documents \
             WHERE environment = 'production' AND tenant_id = ANY($1)",
        )
        .bind(&ids)
        .fetch_all(&mut *connection)
        .await?;
        let mut documents: HashMap<Uuid, Vec<Sample>> = HashMap::new();
        for row in rows {
            documents.entry(row.tenant_id).or_default().push(row);
        }
        Ok(Self {
            name,
            tenants,
            documents,
        })
    }

    fn draw(&self, rng: &mut StdRng) -> (&Sample, i64) {
        let (tenant, count) = self.tenants.choose(rng).expect("a class has tenants");
        let sample = self.documents[tenant]
            .choose(rng)
            .expect("a sampled tenant has documents");
        (sample, *count)
    }
}

/// The measured store calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Case {
    Default,
    Process,
    Status,
    Direction,
    LegalEntity,
    CreatedRange,
    Combined,
    IssueDateDescending,
    Page5,
    MiddlePage,
    Document,
    Content,
}

impl Case {
    const ALL: [Self; 12] = [
        Self::Default,
        Self::Process,
        Self::Status,
        Self::Direction,
        Self::LegalEntity,
        Self::CreatedRange,
        Self::Combined,
        Self::IssueDateDescending,
        Self::Page5,
        Self::MiddlePage,
        Self::Document,
        Self::Content,
    ];

    const fn label(self) -> &'static str {
        match self {
            Self::Default => "list, default (page 1 of 20, createdAt)",
            Self::Process => "list, processId",
            Self::Status => "list, status",
            Self::Direction => "list, direction",
            Self::LegalEntity => "list, legalEntityId",
            Self::CreatedRange => "list, createdAt range (61 days)",
            Self::Combined => "list, status + direction + legalEntityId + range",
            Self::IssueDateDescending => "list, sort -issueDate",
            Self::Page5 => "list, page 5",
            Self::MiddlePage => "list, middle page",
            Self::Document => "document (GET .../status)",
            Self::Content => "document_content (GET .../content)",
        }
    }
}

fn query_for(case: Case, sample: &Sample, count: i64, rng: &mut StdRng) -> DocumentQuery {
    let mut query = DocumentQuery::first_page();
    let status = *DocumentStatusName::ALL.choose(rng).expect("statuses");
    let flow = *Flow::ALL.choose(rng).expect("flows");
    let range = (
        sample.created_at - time::Duration::days(30),
        sample.created_at + time::Duration::days(31),
    );
    match case {
        Case::Default | Case::Document | Case::Content => {}
        Case::Process => query.filter.process_id = Some(ProcessId::from_uuid(sample.process_id)),
        Case::Status => query.filter.status = Some(status),
        Case::Direction => query.filter.flow = Some(flow),
        Case::LegalEntity => {
            query.filter.legal_entity_id = Some(LegalEntityId::from_uuid(sample.legal_entity_id));
        }
        Case::CreatedRange => {
            query.filter.created_from = Some(range.0);
            query.filter.created_to = Some(range.1);
        }
        Case::Combined => {
            query.filter = DocumentFilter {
                process_id: None,
                status: Some(status),
                flow: Some(flow),
                legal_entity_id: Some(LegalEntityId::from_uuid(sample.legal_entity_id)),
                created_from: Some(range.0),
                created_to: Some(range.1),
            };
        }
        Case::IssueDateDescending => {
            query.sort = vec![SortKey {
                field: DocumentSort::IssueDate,
                direction: Direction::Descending,
            }];
        }
        Case::Page5 => query.page = PageRequest::new(5, 20).expect("a valid page"),
        Case::MiddlePage => {
            let middle = u32::try_from(count / 20 / 2).unwrap_or(u32::MAX).max(1);
            query.page = PageRequest::new(middle, 20).expect("a valid page");
        }
    }
    query
}

/// Runs one case once; returns its duration and the list's total (0 for a document).
async fn run(
    store: &PgStore,
    case: Case,
    sample: &Sample,
    count: i64,
    rng: &mut StdRng,
) -> BenchResult<(Duration, u64)> {
    let tenant = TenantId::from_uuid(sample.tenant_id);
    let environment = Environment::Production;
    let id = DocumentId::from_uuid(sample.id);
    let query = query_for(case, sample, count, rng);
    let started = Instant::now();
    let total = match case {
        Case::Document => {
            store
                .document(tenant, environment, id)
                .await?
                .ok_or("a sampled document is missing")?;
            0
        }
        Case::Content => {
            store
                .document_content(tenant, environment, id)
                .await?
                .ok_or("a sampled document is missing")?;
            0
        }
        _ => {
            store
                .list_documents(tenant, environment, &query)
                .await?
                .total
        }
    };
    Ok((started.elapsed(), total))
}

/// p50, p95, p99 and max of `durations` (nearest rank), in milliseconds.
fn percentiles(durations: &mut [Duration]) -> [f64; 4] {
    durations.sort_unstable();
    let at = |fraction: f64| {
        #[expect(
            clippy::cast_possible_truncation,
            clippy::cast_sign_loss,
            clippy::cast_precision_loss,
            reason = "a rank among at most millions of samples"
        )]
        let rank = ((fraction * durations.len() as f64).ceil() as usize).max(1);
        durations[rank.min(durations.len()) - 1].as_secs_f64() * 1000.0
    };
    [at(0.50), at(0.95), at(0.99), at(1.0)]
}

/// Measures every case for ordinary, medium and big tenants: `samples` calls each (fewer
/// when a case exceeds [`CASE_BUDGET`]), each on a freshly drawn tenant and document,
/// after a warm-up of `samples / 5` calls.
async fn reads(url: &str, samples: usize) -> BenchResult {
    let store = PgStore::connect(url).await?;
    let mut connection = PgConnection::connect(url).await?;
    let counts: Vec<(Uuid, i64)> = sqlx::query_as(
        "SELECT tenant_id, count(*) FROM documents WHERE environment = 'production' \
         GROUP BY tenant_id ORDER BY count(*) DESC, tenant_id",
    )
    .fetch_all(&mut connection)
    .await?;
    let big: Vec<_> = counts.iter().take(1).copied().collect();
    let medium: Vec<_> = counts.iter().skip(1).take(2).copied().collect();
    let ordinary: Vec<_> = counts.iter().skip(3).copied().collect();
    let average = ordinary.iter().map(|(_, count)| count).sum::<i64>()
        / i64::try_from(ordinary.len().max(1)).unwrap_or(1);
    let mut rng = StdRng::seed_from_u64(20_261_122);
    let chosen: Vec<_> = ordinary
        .choose_multiple(&mut rng, samples.min(ordinary.len()))
        .copied()
        .collect();
    let classes = vec![
        Class::load(
            &mut connection,
            format!(
                "ordinary: {} sampled of {} tenants, {average} production documents on average",
                chosen.len(),
                ordinary.len()
            ),
            chosen,
        )
        .await?,
        Class::load(
            &mut connection,
            format!(
                "medium: 2 tenants, {} production documents each",
                medium.first().map_or(0, |(_, count)| *count)
            ),
            medium,
        )
        .await?,
        Class::load(
            &mut connection,
            format!(
                "big: 1 tenant, {} production documents",
                big.first().map_or(0, |(_, count)| *count)
            ),
            big,
        )
        .await?,
    ];
    let mut table = String::from(
        "| tenants | query | calls | p50 ms | p95 ms | p99 ms | max ms | total (mean) |\n\
         | --- | --- | --- | --- | --- | --- | --- | --- |\n",
    );
    for class in &classes {
        println!("{}", class.name);
    }
    for class in &classes {
        let short = class.name.split(':').next().unwrap_or_default();
        for case in Case::ALL {
            let warm_up = Instant::now();
            for _ in 0..samples / 5 {
                if warm_up.elapsed() > CASE_BUDGET / 3 {
                    break;
                }
                let (sample, count) = class.draw(&mut rng);
                run(&store, case, sample, count, &mut rng).await?;
            }
            let mut durations = Vec::with_capacity(samples);
            let mut totals = 0_u64;
            let measured = Instant::now();
            for _ in 0..samples {
                if durations.len() >= 100 && measured.elapsed() > CASE_BUDGET {
                    break;
                }
                let (sample, count) = class.draw(&mut rng);
                let (duration, total) = run(&store, case, sample, count, &mut rng).await?;
                durations.push(duration);
                totals += total;
            }
            let calls = durations.len();
            let [p50, p95, p99, max] = percentiles(&mut durations);
            let mean_total = if matches!(case, Case::Document | Case::Content) {
                "-".to_owned()
            } else {
                (totals / u64::try_from(calls.max(1)).unwrap_or(1)).to_string()
            };
            let line = format!(
                "| {short} | {} | {calls} | {p50:.2} | {p95:.2} | {p99:.2} | {max:.2} | {mean_total} |\n",
                case.label()
            );
            print!("{line}");
            table.push_str(&line);
        }
    }
    println!("\n{table}");
    Ok(())
}

/// One intake's owner: a production legal entity and its tenant's partner.
#[derive(Debug, Clone, sqlx::FromRow)]
struct Owner {
    tenant_id: Uuid,
    partner_id: Uuid,
    entity_id: Uuid,
    participant: String,
}

/// What the document service stores for one submission with one rendition: the
/// rendition queued for validation, its two status events, and one job.
fn intake_unit(
    owner: &Owner,
    sequence: u64,
) -> BenchResult<(NewRendition, Vec<EventRecord>, NewJob)> {
    let now = OffsetDateTime::now_utc();
    let number = format!("INV-BENCH-{sequence:08}");
    let facts = RenditionFacts {
        process_id: ProcessId::new(),
        tenant_id: TenantId::from_uuid(owner.tenant_id),
        environment: Environment::Production,
        flow: Flow::Outbound,
        kind: DocumentKind::Invoice,
        format: Format::UblPeppolBis3,
        target: Target::Peppol,
        legal_entity_id: Some(LegalEntityId::from_uuid(owner.entity_id)),
        document_number: number.clone(),
        issue_date: now.date(),
        sender: Some(ParticipantId::parse(&owner.participant)?),
        receiver: Some(ParticipantId::parse("0060:123456789")?),
    };
    let partner = TenantId::from_uuid(owner.partner_id);
    let mut rendition = Rendition::accept(facts, now);
    let mut events = vec![EventRecord::document_status(&rendition, None, partner)];
    let previous = rendition.apply(DocumentTrigger::QueueValidation, now)?;
    events.push(EventRecord::document_status(
        &rendition,
        Some(&previous),
        partner,
    ));
    let job = NewJob::new(
        JobPayload::Probe(Probe {
            counter: ProbeCounter::parse("bench-intake").map_err(|_| "counter")?,
            work_ms: 0,
            fail_attempts: 0,
        }),
        now,
    );
    let content = TEMPLATE.replace("INV-2026-00042", &number).into_bytes();
    Ok((NewRendition { rendition, content }, events, job))
}

/// `connections` tasks, each storing one intake after the other through one `PgStore`
/// for `seconds`; prints the rate and the latency of one intake.
async fn intake(url: &str, connections: usize, seconds: u64) -> BenchResult {
    let store = PgStore::connect(url).await?;
    let mut connection = PgConnection::connect(url).await?;
    let owners: Arc<Vec<Owner>> = Arc::new(
        sqlx::query_as(
            "SELECT e.tenant_id, t.partner_id, e.id AS entity_id, \
                    e.identifier_scheme || ':' || e.identifier_value AS participant \
             FROM legal_entities AS e JOIN tenants AS t ON t.id = e.tenant_id \
             WHERE e.environment = 'production' AND t.kind = 'child' \
             ORDER BY e.id LIMIT 2000",
        )
        .fetch_all(&mut connection)
        .await?,
    );
    if owners.is_empty() {
        return Err("no legal entities: seed first".into());
    }
    let duration = Duration::from_secs(seconds);
    let started = Instant::now();
    let mut tasks = Vec::new();
    for task in 0..connections {
        let store = store.clone();
        let owners = Arc::clone(&owners);
        tasks.push(tokio::spawn(async move {
            let mut rng = StdRng::seed_from_u64(task as u64);
            let mut latencies = Vec::new();
            let mut sequence = (task as u64) << 40;
            while started.elapsed() < duration {
                let owner = owners.choose(&mut rng).expect("owners");
                sequence += 1;
                let (document, events, job) = intake_unit(owner, sequence)?;
                let call = Instant::now();
                store.insert_documents(&[document], &events, &[job]).await?;
                latencies.push(call.elapsed());
            }
            BenchResult::Ok(latencies)
        }));
    }
    let mut latencies = Vec::new();
    for task in tasks {
        latencies.extend(task.await??);
    }
    let elapsed = started.elapsed().as_secs_f64();
    #[expect(clippy::cast_precision_loss, reason = "a count of intakes")]
    let rate = latencies.len() as f64 / elapsed;
    let [p50, p95, p99, max] = percentiles(&mut latencies);
    let mut line = String::new();
    write!(
        line,
        "intake: {connections} connections, {} intakes in {elapsed:.1} s = {rate:.0} per second; \
         latency ms p50 {p50:.2} p95 {p95:.2} p99 {p99:.2} max {max:.2}",
        latencies.len()
    )?;
    println!("{line}");
    Ok(())
}
